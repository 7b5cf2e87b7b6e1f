"""The generated Markdown pages: one per element, a catalogue per kind, the
landscape and the findings, written from Jinja2 templates.

Pages link to each other with relative `.md` links (the site generator turns
them into URLs) and embed diagrams with `![alt](arch:view/KEY)`, the same
syntax hand-written pages use; `site.py` resolves those per page.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import quote, urlsplit

import jinja2

from . import cells, classification, deploy, markdown, network
from .findings import Finding, plural
from .flow_format import Flow
from .flows import StepRow, participants, step_rows, total, trigger_text, waits_for
from .format import (
    Channel,
    Classification,
    Datalake,
    Element,
    Environment,
    Ledger,
    LedgerNode,
    Relation,
)
from .kinds import KIND_SPECS, KINDS
from .lineage import LineageStep, lineage_steps
from .membership import ChannelPart
from .model import Architecture, title_order
from .network import FaultTolerance
from .sensitivity import highest
from .settings import DEFAULTS
from .urls import is_safe_url


@dataclass(frozen=True)
class Layout:
    """Where generated pages live, below the site's docs root."""

    prefix: str = DEFAULTS.url_prefix

    @property
    def index(self) -> str:
        return f"{self.prefix}/index.md"

    @property
    def findings(self) -> str:
        return f"{self.prefix}/findings.md"

    @property
    def classification(self) -> str:
        return f"{self.prefix}/classification.md"

    def catalogue(self, kind: str) -> str:
        return f"{self.prefix}/{kind}/index.md"

    def element(self, element: Element) -> str:
        return f"{self.prefix}/{element.kind}/{element.id}.md"

    def target(self, arch: Architecture, link: str) -> str | None:
        """The page a diagram node or `arch:` link names: an id or 'kind:KIND'."""
        if link.startswith("kind:"):
            kind = link.removeprefix("kind:")
            return self.catalogue(kind) if kind in KINDS else None
        element = arch.get(link)
        return self.element(element) if element else None


def relative(target: str, page: str) -> str:
    """A link from the page at `page` to the file `target` (both docs-relative)."""
    return relative_path(target, posixpath.dirname(page))


def relative_path(target: str, start: str) -> str:
    """`posixpath.relpath` for paths relative to one root, as a site's are:
    computed from their parts alone. A page holds hundreds of links, and
    relpath asks the operating system for the current folder each time."""
    start_parts = [part for part in start.split("/") if part and part != "."]
    target_parts = [part for part in target.split("/") if part and part != "."]
    common = 0
    for ours, theirs in zip(start_parts, target_parts, strict=False):
        if ours != theirs:
            break
        common += 1
    up = [".."] * (len(start_parts) - common)
    return "/".join(up + target_parts[common:]) or "."


BREADCRUMB = "\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}"  # between a path's parts


@dataclass(frozen=True)
class PageContext:
    """What a template needs to link from one page to others."""

    arch: Architecture
    layout: Layout
    page: str
    allow_html: bool
    source_url: str | None = None  # where the repository shows the project's files

    def href(self, element: Element) -> str:
        return relative(self.layout.element(element), self.page)

    def cell(self, value: cells.Value | None) -> str:
        """A table cell's Markdown: the value rendered by its type."""
        return cells.render(value, self.link, self._page_of)

    def _page_of(self, element_id: str) -> str | None:
        element = self.arch.get(element_id)
        return self.href(element) if element else None

    def breadcrumbs(self, element: Element) -> str:
        """The path to an element's page: Architecture, its catalogue, its name."""
        overview = f"[Architecture]({self.page_link(self.layout.index)})"
        kind = f"[{KIND_SPECS[element.kind].plural}]({self.catalogue(element.kind)})"
        here = f"[{markdown.text(element.title)}]({self.href(element)})"
        return (
            '<span class="archatlas-breadcrumbs">'
            f"{overview} {BREADCRUMB} {kind} {BREADCRUMB} {here}</span>"
        )

    def defined_in(self, path: str) -> str:
        """The file an element is written in: a link into the repository when it is known."""
        if self.source_url is None:
            return markdown.code(path)
        target = markdown.link_target(self.source_url + quote(path))
        return f"[{markdown.code(path)}]({target})"

    def link(self, element_id: str) -> str:
        element = self.arch.get(element_id)
        if element is None:
            return markdown.text(element_id)
        return f"[{markdown.text(element.title)}]({self.href(element)})"

    def catalogue(self, kind: str) -> str:
        return relative(self.layout.catalogue(kind), self.page)

    def page_link(self, path: str) -> str:
        return relative(path, self.page)


@dataclass(frozen=True)
class ElementFacts:
    """The rows of an element's facts table, and its related elements."""

    arch: Architecture
    element: Element

    @cached_property
    def facts(self) -> list[tuple[str, cells.Value]]:
        """(label, value) for every field the facts table shows."""
        return cells.facts(self.arch, self.element)

    @property
    def uses(self) -> tuple[Relation, ...]:
        """What the element uses, by the name of what it uses (the tables show names)."""
        return tuple(sorted(self.element.uses, key=lambda relation: self._title_of(relation.to)))

    @property
    def used_by(self) -> tuple[tuple[Element, Relation], ...]:
        return tuple(
            sorted(self.arch.used_by(self.element.id), key=lambda pair: title_order(pair[0]))
        )

    def _title_of(self, element_id: str) -> tuple[str, str]:
        element = self.arch.get(element_id)
        return title_order(element) if element else (element_id.casefold(), element_id)

    @property
    def members(self) -> tuple[Element, ...]:
        """A system's elements or what a team owns, by name."""
        if self.element.kind == "system":
            return cells.by_title(self.arch.in_system(self.element.id))
        if self.element.kind == "team":
            return cells.by_title(self.arch.owned_by(self.element.id))
        return ()

    def nodes_of(self, organization: str | None = None) -> list[Element]:
        """A ledger's nodes (of one organization), by name."""
        nodes = [
            node
            for node in self.arch.of_kind("ledger-node")
            if getattr(node, "ledger", None) == self.element.id
            and (organization is None or getattr(node, "organization", None) == organization)
        ]
        return list(cells.by_title(nodes))

    def dataset_users(self, dataset: str, verb: str) -> list[Element]:
        found = {
            user.id: user
            for user, relation in self.used_by
            if relation.dataset == dataset and relation.verb == verb
        }
        return sorted(found.values(), key=title_order)

    # --- flows ---

    @cached_property
    def flow_info(self) -> FlowInfo:
        """A flow's trigger, end-to-end duration and steps."""
        assert isinstance(self.element, Flow)
        return FlowInfo(
            trigger_text(self.arch, self.element), str(total(self.element)), step_rows(self.element)
        )

    @cached_property
    def flows(self) -> tuple[Element, ...]:
        """The flows the element takes part in, by name, but those waiting for it."""
        return tuple(flow for flow in self._flows if flow not in self.waiting_flows)

    @cached_property
    def waiting_flows(self) -> tuple[Element, ...]:
        """For a vendor in long-running mode: the flows that wait for its work."""
        if getattr(self.element, "mode", None) != "long-running":
            return ()
        return tuple(
            f for f in self._flows if isinstance(f, Flow) and waits_for(f, self.element.id)
        )

    @cached_property
    def _flows(self) -> tuple[Element, ...]:
        ids = {self.element.id}
        if self.element.kind == "system":  # a system takes part through its elements
            ids |= {member.id for member in self.arch.in_system(self.element.id)}
        taking_part = [
            flow
            for flow in self.arch.of_kind("flow")
            if isinstance(flow, Flow) and ids & set(participants(flow))
        ]
        return tuple(sorted(taking_part, key=title_order))

    # --- a data lake ---

    @cached_property
    def lineage(self) -> tuple[LineageStep, ...]:
        assert isinstance(self.element, Datalake)
        return lineage_steps(self.arch, self.element)

    # --- a ledger and its nodes ---

    @cached_property
    def fault_tolerance(self) -> FaultTolerance | None:
        assert isinstance(self.element, Ledger)
        return network.fault_tolerance(self.arch, self.element)

    @property
    def consensus_name(self) -> str:
        return network.consensus_name(getattr(self.element, "consensus", None) or "")

    @cached_property
    def channel_matrix(self) -> tuple[network.MatrixRow, ...]:
        assert isinstance(self.element, Ledger)
        return network.channel_matrix(self.arch, self.element)

    @cached_property
    def ordering_nodes(self) -> tuple[LedgerNode, ...]:
        assert isinstance(self.element, Ledger)
        return network.ordering_nodes(self.arch, self.element)

    @property
    def order_every_channel(self) -> bool:
        """Whether each ordering node of a ledger orders all of its channels."""
        assert isinstance(self.element, Ledger)
        every = len(self.element.channels)
        return all(len(self.channels_of(node, "orders")) == every for node in self.ordering_nodes)

    @property
    def node_ledger(self) -> Ledger | None:
        """A ledger node's ledger."""
        ledger = self.arch.get(getattr(self.element, "ledger", None) or "")
        return ledger if isinstance(ledger, Ledger) else None

    def channels_of(self, node: LedgerNode, part: ChannelPart) -> tuple[Channel, ...]:
        """The channels of a ledger that one of its nodes orders or serves."""
        assert isinstance(self.element, Ledger)
        return network.channels_of(self.element, node, part)

    def node_channels(self, part: ChannelPart) -> tuple[Channel, ...]:
        """The channels a ledger node orders or serves."""
        ledger = self.node_ledger
        if ledger is None or not isinstance(self.element, LedgerNode):
            return ()
        return network.channels_of(ledger, self.element, part)

    # --- an environment, and where an element runs ---

    @cached_property
    def placements(self) -> tuple[deploy.Placement, ...]:
        """What runs in an environment; for another element, its deployments."""
        if isinstance(self.element, Environment):
            return deploy.placements(self.arch, self.element)
        return deploy.element_placements(self.arch, self.element)

    @cached_property
    def reached(self) -> tuple[deploy.Reach, ...]:
        """What an environment's workloads reach that is deployed nowhere."""
        assert isinstance(self.element, Environment)
        return deploy.reached(self.arch, self.element)

    @property
    def restrictions(self) -> tuple[deploy.Restriction, ...]:
        assert isinstance(self.element, Environment)
        return deploy.restrictions(self.element)

    # --- a team ---

    @cached_property
    def owned(self) -> tuple[Element, ...]:
        """What a team owns, by name."""
        return tuple(sorted(self.arch.owned_by(self.element.id), key=title_order))

    @cached_property
    def vendors(self) -> tuple[tuple[Element, tuple[Element, ...]], ...]:
        """The vendors a team's elements use, by name, each with those elements."""
        users: dict[str, dict[str, Element]] = {}
        for element in self.owned:
            for relation in element.uses:
                vendor = self.arch.get(relation.to)
                if vendor is not None and vendor.kind == "vendor":
                    users.setdefault(vendor.id, {})[element.id] = element
        vendors = sorted((self.arch.by_id[vendor_id] for vendor_id in users), key=title_order)
        return tuple(
            (vendor, tuple(sorted(users[vendor.id].values(), key=title_order)))
            for vendor in vendors
        )

    def vendor_data(self, vendor: str) -> Classification | None:
        """The highest classification the team's elements send to `vendor`."""
        sent = (r.data for element in self.owned for r in element.uses if r.to == vendor)
        return highest(sent)

    def owned_findings(self, by_element: dict[str, list[Finding]]) -> list[Finding]:
        """The findings on the elements a team owns, by element name, errors first."""
        return [
            item
            for element in self.owned
            for item in sorted(
                by_element.get(element.id, []), key=lambda f: f.severity.value != "error"
            )
        ]


@dataclass(frozen=True)
class FlowInfo:
    trigger: str
    total: str
    steps: list[StepRow]


def diagram_views(element: Element) -> list[str]:
    """The views an element's page shows below its facts: all of its kind's
    views but those named like one of its sections, which draws it in place."""
    spec = KIND_SPECS[element.kind]
    return [f"{view}/{element.id}" for view in spec.views if view not in spec.sections]


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("archatlas", "templates"),
        autoescape=False,  # Markdown, not HTML: values are escaped by the filters
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # the package's templates do not change during a build
    )
    environment.filters["text"] = markdown.text
    environment.filters["link_target"] = markdown.link_target
    environment.filters["code"] = markdown.code
    environment.filters["plural"] = plural
    environment.filters["badge"] = cells.badge
    environment.globals["kind_specs"] = KIND_SPECS
    return environment


ENVIRONMENT = _environment()


def generate_pages(
    arch: Architecture,
    findings: Iterable[Finding],
    layout: Layout,
    allow_html: bool = False,
    source_url: str | None = None,
) -> dict[str, str]:
    """Every generated page: docs-relative path to Markdown.

    `source_url` (see `source_url`) makes "Defined in" a link into the repository."""
    findings = list(findings)
    by_element: dict[str, list[Finding]] = {}
    for item in findings:
        if item.element:
            by_element.setdefault(item.element, []).append(item)
    pages: dict[str, str] = {}

    def render(template: str, path: str, **values: object) -> None:
        context = PageContext(arch, layout, path, allow_html, source_url)
        pages[path] = ENVIRONMENT.get_template(template).render(
            ctx=context, arch=arch, layout=layout, **values
        )

    render("index.md.j2", layout.index, kinds=_kinds(arch), findings=findings)
    render("findings.md.j2", layout.findings, findings=findings)
    render("classification.md.j2", layout.classification, sections=classification.sections(arch))
    for kind in _kinds(arch):
        table = cells.catalogue(arch, kind)
        render("catalogue.md.j2", layout.catalogue(kind), kind=kind, table=table)
    for element in arch.elements:
        render(
            "element.md.j2",
            layout.element(element),
            element=element,
            info=ElementFacts(arch, element),
            views=diagram_views(element),
            findings=by_element.get(element.id, []),
            element_findings=by_element,
            description=(
                markdown.description(element.description, allow_html) if element.description else ""
            ),
        )
    return pages


def source_url(repo_url: str | None, edit_uri: str | None, docs_dir: str) -> str | None:
    """The URL that a file's path (relative to the project folder) follows to
    show the file in the repository, from MkDocs' `repo_url` and `edit_uri`.

    `edit_uri` leads to the docs folder ("edit/main/docs/"): the docs folder is
    taken off, and a GitHub or GitLab edit view becomes the plain view ("blob"),
    since "Defined in" shows the file rather than editing it.
    """
    if not repo_url or not edit_uri or "?" in edit_uri or "#" in edit_uri:
        return None
    if not is_safe_url(repo_url) or urlsplit(repo_url).scheme not in ("http", "https"):
        return None
    base = edit_uri.strip("/")
    docs = docs_dir.strip("/")
    if base == docs or base.endswith("/" + docs):
        base = base.removesuffix(docs).rstrip("/")
    for edit, view in (("edit/", "blob/"), ("-/edit/", "-/blob/")):
        if base.startswith(edit):
            base = view + base.removeprefix(edit)
    if urlsplit(base).scheme:  # an absolute edit_uri stands on its own
        return base + "/"
    return repo_url.rstrip("/") + "/" + (base + "/" if base else "")


def _kinds(arch: Architecture) -> list[str]:
    return [kind for kind in KINDS if arch.of_kind(kind)]


def nav_section(arch: Architecture, layout: Layout) -> list[dict[str, str]]:
    """The navigation entries of the generated pages: overview, catalogues,
    data classification, findings."""
    items = [{"Overview": layout.index}]
    items += [{KIND_SPECS[kind].plural: layout.catalogue(kind)} for kind in _kinds(arch)]
    items.append({"Data classification": layout.classification})
    items.append({"Findings": layout.findings})
    return items


def nav_parents(arch: Architecture, layout: Layout) -> dict[str, str]:
    """The page each element page sits under in the navigation: its kind's
    catalogue (element pages are not listed in the navigation themselves)."""
    return {layout.element(element): layout.catalogue(element.kind) for element in arch.elements}


def mentions(nav: object, prefix: str) -> bool:
    """Whether a hand-written navigation already lists a page under `prefix`."""
    if isinstance(nav, str):
        return nav.startswith(prefix)
    if isinstance(nav, dict):
        return any(mentions(value, prefix) for value in nav.values())
    if isinstance(nav, list):
        return any(mentions(item, prefix) for item in nav)
    return False
