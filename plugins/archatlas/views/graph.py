"""Views stage: the graphs that diagrams draw, as plain immutable data.

A view knows what to draw (nodes, edges, clusters, what each node links to)
but nothing of Graphviz. Views too large to read collapse to one node per
system, with counts, each linking to its system page.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from .findings import plural
from .format import Datalake, Element, Ledger, LedgerNode, Relation, relation_key
from .icons import custom_icon_key, icon_for, icon_for_kind
from .kinds import KIND_SPECS
from .model import Architecture

MAX_NODES = 60  # above this a view collapses to systems

EdgeStyle = Literal["sync", "async", "ledger", "member"]
Status = Literal["unchanged", "added", "removed", "changed"]


@dataclass(frozen=True, slots=True)
class ViewNode:
    id: str
    label: str
    caption: str  # second line: kind, role, or element count
    icon: str  # icon resource path in the icon library, or a custom icon's key
    link: str  # element id whose page the node opens, or "kind:<kind>"
    cluster: str | None = None
    focus: bool = False
    icon_file: str | None = None  # the custom icon's file, absolute
    status: Status = "unchanged"  # in a diff view


@dataclass(frozen=True, slots=True)
class ViewEdge:
    source: str
    target: str
    label: str
    style: EdgeStyle
    data: str | None = None  # data classification carried
    status: Status = "unchanged"  # in a diff view
    weight: int = 1  # relations this edge stands for, in a collapsed view


@dataclass(frozen=True, slots=True)
class ViewCluster:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class View:
    key: str  # e.g. "landscape", "element/news-scraper"
    title: str
    nodes: tuple[ViewNode, ...]
    edges: tuple[ViewEdge, ...]
    clusters: tuple[ViewCluster, ...]
    collapsed: bool = False
    # Left to right suits chains of calls; top to bottom suits wide views
    # (collapsed systems, a ledger's organizations side by side).
    direction: Literal["LR", "TB"] = "LR"

    @property
    def custom_icons(self) -> dict[str, str]:
        """Custom icon file -> its key, for the nodes that draw their own icon.

        Keyed by file: two files with the same content (one per side of a
        diff) share a key, and each must be replaced by it."""
        return {node.icon_file: node.icon for node in self.nodes if node.icon_file}


# --- building blocks ---------------------------------------------------------------


def _caption(element: Element) -> str:
    role = getattr(element, "role", None)
    return f"{element.kind} · {role}" if role else element.kind


def element_node(
    arch: Architecture, element: Element, cluster: str | None = None, focus: bool = False
) -> ViewNode:
    custom = _custom_icon(arch, element)
    return ViewNode(
        id=element.id,
        label=element.title,
        caption=_caption(element),
        icon=custom_icon_key(custom) if custom else icon_for(element),
        link=element.id,
        cluster=cluster,
        focus=focus,
        icon_file=str(custom) if custom else None,
    )


def _custom_icon(arch: Architecture, element: Element) -> Path | None:
    """The element's own icon file (checked by the bad-icon rule), if it has one."""
    if element.icon is None or element.id not in arch.sources:
        return None
    path = (arch.sources[element.id].file.parent / element.icon).resolve()
    return path if path.is_file() else None


def relation_edge(source: str, relation: Relation) -> ViewEdge:
    parts: list[str] = [relation.verb or "uses"]
    if relation.protocol:
        parts.append(relation.protocol)
    qualifier = relation.dataset or relation.channel
    if qualifier:
        parts.append(f"({qualifier})")
    if relation.verb in ("submits", "queries"):
        style: EdgeStyle = "ledger"
    else:
        style = "async" if relation.is_async else "sync"
    return ViewEdge(source, relation.to, " ".join(parts), style, relation.data)


def _system_of(element: Element) -> str | None:
    return getattr(element, "system", None)


def _clusters(arch: Architecture, nodes: Iterable[ViewNode]) -> tuple[ViewCluster, ...]:
    ids = sorted({node.cluster for node in nodes if node.cluster})
    return tuple(ViewCluster(cid, _title(arch, cid)) for cid in ids)


def _title(arch: Architecture, element_id: str) -> str:
    element = arch.get(element_id)
    return element.title if element else element_id


def _graph(
    arch: Architecture, key: str, title: str, members: Iterable[Element], focus: str = ""
) -> View:
    """The view of `members` and the relations among them, clustered by system."""
    chosen = {element.id: element for element in members}
    nodes = tuple(
        element_node(arch, element, _cluster_for(arch, element), element.id == focus)
        for _, element in sorted(chosen.items())
    )
    edges = tuple(
        sorted(
            {
                relation_edge(element.id, relation)
                for element in chosen.values()
                for relation in element.uses
                if relation.to in chosen
            },
            key=lambda edge: (edge.source, edge.target, edge.label),
        )
    )
    view = View(key, title, nodes, edges, _clusters(arch, nodes))
    return collapse(arch, view) if len(nodes) > MAX_NODES else view


def _cluster_for(arch: Architecture, element: Element) -> str | None:
    system = _system_of(element)
    return system if system and arch.get(system) is not None else None


def neighbours(arch: Architecture, element_id: str) -> list[Element]:
    element = arch.by_id[element_id]
    found = [element]
    found += [arch.by_id[r.to] for r in element.uses if r.to in arch.by_id]
    found += [user for user, _ in arch.used_by(element_id)]
    return found


# --- the views -----------------------------------------------------------------


def landscape(arch: Architecture) -> View:
    """The system landscape: each system as one node, with the actors and
    elements outside any system (vendors, mostly) around them."""
    members = [e for e in arch.elements if e.kind not in ("system", "team")]
    view = _graph(arch, "landscape", "Landscape", members)
    view = view if view.collapsed else collapse(arch, view, keep_loose=True)
    return view if len(view.nodes) <= MAX_NODES else by_domain(arch, view)


def by_domain(arch: Architecture, view: View) -> View:
    """A collapsed view still too large: its systems grouped by their domain."""

    def group(node: ViewNode) -> str:
        system = arch.get(node.id)
        if system is None or system.kind != "system":
            return node.id  # a group of loose elements by kind stays as it is
        return "domain." + (getattr(system, "domain", None) or "other")

    def domain_node(key: str, count: int) -> ViewNode:
        return ViewNode(
            key,
            f"{key.removeprefix('domain.')} (domain)",
            plural(count, "system"),
            icon_for_kind("system"),
            "kind:system",
        )

    group_of = {node.id: group(node) for node in view.nodes}
    nodes, edges = _regroup(view, group_of, domain_node)
    return replace(view, nodes=nodes, edges=edges)


def _regroup(
    view: View, group_of: dict[str, str], group_node: Callable[[str, int], ViewNode]
) -> tuple[tuple[ViewNode, ...], tuple[ViewEdge, ...]]:
    """The view's nodes merged by `group_of` (a node kept where it is its own
    group), and one edge per pair of groups, weighted by the edges it merges."""
    counts = Counter(group_of.values())
    by_id = {node.id: node for node in view.nodes}
    nodes = tuple(
        by_id[group] if group in by_id else group_node(group, count)
        for group, count in sorted(counts.items())
    )
    weights: dict[tuple[str, str], int] = defaultdict(int)
    for edge in view.edges:
        pair = (group_of[edge.source], group_of[edge.target])
        if pair[0] != pair[1]:
            weights[pair] += edge.weight
    edges = tuple(
        ViewEdge(source, target, plural(count, "relation"), "sync", weight=count)
        for (source, target), count in sorted(weights.items())
    )
    return nodes, edges


def system_view(arch: Architecture, system_id: str) -> View:
    inside = list(arch.in_system(system_id))
    around = [other for element in inside for other in neighbours(arch, element.id)]
    return _graph(arch, f"system/{system_id}", _title(arch, system_id), inside + around)


def element_view(arch: Architecture, element_id: str) -> View:
    element = arch.by_id[element_id]
    members = neighbours(arch, element_id)
    if isinstance(element, LedgerNode) and element.ledger in arch.by_id:
        members.append(arch.by_id[element.ledger])
    return _graph(arch, f"element/{element_id}", element.title, members, focus=element_id)


def ledger_view(arch: Architecture, ledger_id: str) -> View:
    """The ledger's topology: organizations as clusters holding their nodes."""
    ledger = arch.by_id[ledger_id]
    assert isinstance(ledger, Ledger)
    nodes = [element_node(arch, ledger, focus=True)]
    edges: list[ViewEdge] = []
    for member in arch.of_kind("ledger-node"):
        if isinstance(member, LedgerNode) and member.ledger == ledger_id:
            cluster = f"org-{member.organization}" if member.organization else None
            nodes.append(element_node(arch, member, cluster))
            edges.append(ViewEdge(member.id, ledger_id, member.role or "node", "member"))
    for user, relation in arch.used_by(ledger_id):
        nodes.append(element_node(arch, user))
        edges.append(relation_edge(user.id, relation))
    names = {org.id: org.name or org.id for org in ledger.organizations}
    clusters = sorted({n.cluster for n in nodes if n.cluster})
    return View(
        f"ledger/{ledger_id}",
        f"{ledger.title} topology",
        _unique(nodes),
        tuple(sorted(set(edges), key=lambda e: (e.source, e.target, e.label))),
        tuple(ViewCluster(c, names.get(c.removeprefix("org-"), c)) for c in clusters),
        direction="TB",
    )


def datalake_view(arch: Architecture, lake_id: str) -> View:
    lake = arch.by_id[lake_id]
    assert isinstance(lake, Datalake)
    users = [user for user, _ in arch.used_by(lake_id)]
    return _graph(arch, f"datalake/{lake_id}", f"{lake.title} data flows", [lake, *users], lake_id)


def _unique(nodes: list[ViewNode]) -> tuple[ViewNode, ...]:
    by_id: dict[str, ViewNode] = {}
    for node in nodes:
        by_id.setdefault(node.id, node)
    return tuple(by_id[key] for key in sorted(by_id))


# --- collapsing large views ----------------------------------------------------------


def collapse(arch: Architecture, view: View, keep_loose: bool = False) -> View:
    """One node per system; elements outside any system are grouped by kind,
    or, with `keep_loose` and while the view stays small, kept as they are."""
    group_of = {node.id: _group(arch, node) for node in view.nodes}
    loose = [node for node in view.nodes if group_of[node.id].startswith("kind.")]
    systems = {group for group in group_of.values() if not group.startswith("kind.")}
    if keep_loose and len(systems) + len(loose) <= MAX_NODES:
        group_of.update({node.id: node.id for node in loose})
    nodes, edges = _regroup(view, group_of, lambda group, count: _group_node(arch, group, count))
    return View(view.key, view.title, nodes, edges, (), collapsed=True, direction="TB")


def _group(arch: Architecture, node: ViewNode) -> str:
    element = arch.by_id.get(node.link)
    if element is None:
        return node.id
    # '.' cannot occur in an element id, and ':' would read as a DOT port.
    return _cluster_for(arch, element) or f"kind.{element.kind}"


def _group_node(arch: Architecture, group: str, count: int) -> ViewNode:
    caption = plural(count, "element")
    if group.startswith("kind."):
        kind = group.removeprefix("kind.")
        return ViewNode(group, f"{kind} (no system)", caption, icon_for_kind(kind), f"kind:{kind}")
    return ViewNode(group, _title(arch, group), caption, icon_for_kind("system"), group)


# --- the views a site can show ----------------------------------------------------


# "site": one view of the whole architecture, keyed by its name; "element":
# drawn for any element; "kind": drawn for the kinds whose page shows it
# (their `views` in kinds.py).
ViewScope = Literal["site", "element", "kind"]


@dataclass(frozen=True, slots=True)
class ViewSpec:
    """A view, declared once: pages embed it as `arch:view/NAME` or `arch:view/NAME/ID`."""

    name: str
    build: Callable[[Architecture, str], View]  # (architecture, element id) -> the view
    scope: ViewScope

    @property
    def pattern(self) -> str:
        return self.name if self.scope == "site" else f"{self.name}/ID"

    def draws(self, kind: str) -> bool:
        """Whether the view is drawn for an element of `kind`."""
        if self.scope == "kind":
            return self.name in KIND_SPECS[kind].views
        return self.scope == "element"


VIEW_SPECS: dict[str, ViewSpec] = {
    spec.name: spec
    for spec in (
        ViewSpec("landscape", lambda arch, _: landscape(arch), "site"),
        ViewSpec("element", element_view, "element"),
        ViewSpec("system", system_view, "kind"),
        ViewSpec("ledger", ledger_view, "kind"),
        ViewSpec("datalake", datalake_view, "kind"),
    )
}


def view_keys(arch: Architecture) -> list[str]:
    """Every view the site can show, by key."""
    keys = [name for name, spec in VIEW_SPECS.items() if spec.scope == "site"]
    for element in arch.elements:
        keys.extend(
            f"{name}/{element.id}" for name, spec in VIEW_SPECS.items() if spec.draws(element.kind)
        )
    return keys


def build_view(arch: Architecture, key: str) -> View | None:
    """The view named `key`, or None when no such view exists."""
    name, _, element_id = key.partition("/")
    spec = VIEW_SPECS.get(name)
    if spec is None:
        return None
    if spec.scope == "site":
        return spec.build(arch, "") if key == name else None
    element = arch.get(element_id)
    if element is None or not spec.draws(element.kind):
        return None
    return spec.build(arch, element_id)


# --- the diff view -------------------------------------------------------------------------


def diff_view(base: Architecture, head: Architecture, changed: Iterable[str]) -> View:
    """Added, removed and changed elements with their neighbours, drawn from the
    union of both models so that the picture does not reshuffle between sides."""
    added = head.by_id.keys() - base.by_id.keys()
    removed = base.by_id.keys() - head.by_id.keys()
    touched = added | removed | set(changed)
    chosen = set(touched)
    for element_id in touched:
        for arch in (base, head):
            if element_id in arch.by_id:
                chosen.update(element.id for element in neighbours(arch, element_id))
    if len(chosen) > MAX_NODES:
        chosen = touched  # neighbours are context: the first to go

    def status(element_id: str) -> Status:
        if element_id in added:
            return "added"
        if element_id in removed:
            return "removed"
        return "changed" if element_id in touched else "unchanged"

    nodes = []
    for element_id in sorted(chosen):
        arch = head if element_id in head.by_id else base
        element = arch.by_id[element_id]
        node = element_node(arch, element, _cluster_for(arch, element))
        nodes.append(replace(node, status=status(element_id)))
    edges = _diff_edges(base, head, chosen)
    view = View("diff", "Architecture changes", tuple(nodes), edges, ())
    clusters = _clusters(head, view.nodes) + tuple(
        c for c in _clusters(base, view.nodes) if head.get(c.id) is None
    )
    return replace(view, clusters=clusters)


def _diff_edges(base: Architecture, head: Architecture, chosen: set[str]) -> tuple[ViewEdge, ...]:
    def edges(arch: Architecture) -> dict[tuple[str, ...], ViewEdge]:
        found: dict[tuple[str, ...], ViewEdge] = {}
        for element in arch.elements:
            if element.id in chosen:
                for relation in element.uses:
                    if relation.to in chosen:
                        edge = relation_edge(element.id, relation)
                        found[(element.id, *relation_key(relation))] = edge
        return found

    before, after = edges(base), edges(head)
    result = [
        replace(after[key], status="added" if key not in before else "unchanged") for key in after
    ]
    result += [replace(before[key], status="removed") for key in before.keys() - after.keys()]
    return tuple(sorted(result, key=lambda edge: (edge.source, edge.target, edge.label)))
