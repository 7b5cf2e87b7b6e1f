"""The graphs that diagrams draw, as plain immutable data, and the views of
elements and their relations.

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

from ..findings import plural
from ..format import (
    VERBS,
    Classification,
    Element,
    LedgerNode,
    Relation,
    Runtime,
    relation_key,
)
from ..icons import custom_icon_key, icon_for, icon_for_kind
from ..kinds import KIND_SPECS
from ..model import Architecture
from ..sensitivity import highest

MAX_NODES = 60  # above this a view collapses to systems

# sync: a call that waits; async: fire-and-forget or long-running; ledger:
# a transaction or query on a ledger; member: a node's place in its network
# (no arrow); consensus: replication among a ledger's ordering nodes.
EdgeStyle = Literal["sync", "async", "ledger", "member", "consensus"]
# "invalid": valid in the base, its document fails in the head (drawn as in the base).
Status = Literal["unchanged", "added", "removed", "changed", "invalid"]


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
    data: Classification | None = None  # the highest classification carried
    status: Status = "unchanged"  # in a diff view
    weight: int = 1  # relations this edge stands for
    details: tuple[str, ...] = ()  # one line per relation: the tooltip and the legend's list

    @property
    def grouped(self) -> bool:
        """Whether the edge stands for several relations, listed in the legend."""
        return self.weight > 1


@dataclass(frozen=True, slots=True)
class ViewCluster:
    id: str
    label: str
    parent: str | None = None  # the cluster it is drawn inside (a cluster's namespace)


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
    notes: tuple[str, ...] = ()  # how to read this view, for its legend

    @property
    def custom_icons(self) -> dict[str, str]:
        """Custom icon file -> its key, for the nodes that draw their own icon.

        Keyed by file: two files with the same content (one per side of a
        diff) share a key, and each must be replaced by it."""
        return {node.icon_file: node.icon for node in self.nodes if node.icon_file}


# --- building blocks ---------------------------------------------------------------


def caption(element: Element) -> str:
    """A card's second line: what the element is, and what it runs on."""
    fields = vars(element)  # a kind's own fields; asking a model for one it lacks is slow
    what = fields.get("role") or KIND_SPECS[element.kind].title.lower()
    return " · ".join((what, *_technology(fields)))


def _technology(fields: dict[str, object]) -> list[str]:
    runtime = fields.get("runtime")
    found = [
        fields.get(name)
        for name in ("provider", "engine", "platform", "consensus", "mode", "organization")
    ]
    operator = fields.get("operator")
    if operator and operator != fields.get("organization"):
        # A node run for its organization by another: a card has room for
        # three facts, and who runs it says more than how it is scheduled.
        found.append(f"run by {operator}")
    elif isinstance(runtime, Runtime):
        found.append(runtime.workload or runtime.platform)
    return [str(value) for value in found if value]


def element_node(
    arch: Architecture, element: Element, cluster: str | None = None, focus: bool = False
) -> ViewNode:
    custom = _custom_icon(arch, element)
    return ViewNode(
        id=element.id,
        label=element.title,
        caption=caption(element),
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


def relation_edge(source: str, relation: Relation, target: str | None = None) -> ViewEdge:
    """One relation as an edge; `target` redirects it (to a dataset or channel node)."""
    qualifier = relation.dataset or relation.channel
    label: str = relation.verb or "uses"
    if qualifier and target is None:
        label += f" {qualifier}"
    if relation.verb in ("submits", "queries") or _ledger_events(relation):
        style: EdgeStyle = "ledger"
    else:
        style = "async" if relation.is_async else "sync"
    return ViewEdge(
        source,
        target or relation.to,
        label,
        style,
        relation.data,
        details=(_detail(source, relation),),
    )


def _ledger_events(relation: Relation) -> bool:
    """A subscription to a ledger's events: only a ledger target takes its
    channel, organization or events (misplaced-field elsewhere)."""
    ledger_only = (relation.channel, relation.organization, relation.events)
    return relation.verb == "subscribes" and any(ledger_only)


def _detail(source: str, relation: Relation) -> str:
    """A relation in one line of prose, for tooltips and the legend's lists."""
    words = [source, relation.verb or "uses", relation.to]
    if relation.dataset:
        words.append(f"dataset {relation.dataset}")
    if relation.channel:
        words.append(f"channel {relation.channel}")
    if relation.organization:
        words.append(f"as {relation.organization}")
    if relation.events:
        words.append(f"{relation.events} events")
    if relation.protocol:
        words.append(f"over {relation.protocol}")
    extras = [value for value in (relation.data, "async" if relation.is_async else "") if value]
    line = " ".join(words) + (f" ({', '.join(extras)})" if extras else "")
    return line + (f": {relation.description}" if relation.description else "")


def merge_edges(edges: Iterable[ViewEdge]) -> tuple[ViewEdge, ...]:
    """One edge per ordered pair of nodes: verbs merged into one label, the
    highest classification, and every relation kept in `details`."""
    by_pair: dict[tuple[str, str], list[ViewEdge]] = defaultdict(list)
    for edge in edges:
        by_pair[(edge.source, edge.target)].append(edge)
    return tuple(_merged(by_pair[pair]) for pair in sorted(by_pair))


def _merged(edges: list[ViewEdge]) -> ViewEdge:
    if len(edges) == 1:
        return edges[0]
    first = edges[0]
    details = tuple(sorted({line for edge in edges for line in edge.details}))
    weight = sum(edge.weight for edge in edges)
    statuses = {edge.status for edge in edges}
    return ViewEdge(
        first.source,
        first.target,
        _merged_label([edge.label for edge in edges], weight),
        _merged_style([edge.style for edge in edges]),
        highest(edge.data for edge in edges),
        statuses.pop() if len(statuses) == 1 else "unchanged",
        weight,
        details,
    )


def _merged_label(labels: list[str], weight: int) -> str:
    """'reads, writes' for different verbs; 'reads 3 datasets' for one verb
    on several datasets or channels; 'N relations' for grouped systems."""
    verbs: dict[str, list[str]] = defaultdict(list)
    for label in labels:
        verb, _, qualifier = label.partition(" ")
        verbs[verb].append(qualifier)
    if not all(verb in VERBS or verb == "uses" for verb in verbs):
        return plural(weight, "relation")
    if len(verbs) == 1:
        ((verb, qualifiers),) = verbs.items()
        named = sorted({q for q in qualifiers if q})
        word = "channel" if verb in ("submits", "queries", "subscribes") else "dataset"
        return f"{verb} {plural(len(named), word)}" if len(named) > 1 else labels[0]
    order = {verb: index for index, verb in enumerate((*VERBS, "uses"))}
    return ", ".join(sorted(verbs, key=order.__getitem__))


# A merged edge takes the first of its styles in this order: it is
# asynchronous only when every relation it stands for is.
STYLE_PRECEDENCE: tuple[EdgeStyle, ...] = ("ledger", "consensus", "member", "sync", "async")


def _merged_style(styles: list[EdgeStyle]) -> EdgeStyle:
    return min(styles, key=STYLE_PRECEDENCE.index)


def _system_of(element: Element) -> str | None:
    return getattr(element, "system", None)


def view_clusters(arch: Architecture, nodes: Iterable[ViewNode]) -> tuple[ViewCluster, ...]:
    ids = sorted({node.cluster for node in nodes if node.cluster})
    return tuple(ViewCluster(cid, _title(arch, cid)) for cid in ids)


def _title(arch: Architecture, element_id: str) -> str:
    element = arch.get(element_id)
    return element.title if element else element_id


def _graph(
    arch: Architecture, key: str, title: str, members: Iterable[Element], focus: str = ""
) -> View:
    """The view of `members` and the relations among them, clustered by system;
    kinds that are not cards (flows, environments) are left out."""
    chosen = {element.id: element for element in members if KIND_SPECS[element.kind].card}
    nodes = tuple(
        element_node(arch, element, cluster_for(arch, element), element.id == focus)
        for _, element in sorted(chosen.items())
    )
    edges = merge_edges(
        relation_edge(element.id, relation)
        for element in chosen.values()
        for relation in element.uses
        if relation.to in chosen
    )
    view = View(key, title, nodes, edges, view_clusters(arch, nodes))
    return collapse(arch, view) if len(nodes) > MAX_NODES else view


def cluster_for(arch: Architecture, element: Element) -> str | None:
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
            key.removeprefix("domain."),
            f"domain · {plural(count, 'system')}",
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
    grouped = merge_edges(
        replace(
            edge,
            source=group_of[edge.source],
            target=group_of[edge.target],
        )
        for edge in view.edges
        if group_of[edge.source] != group_of[edge.target]
    )
    # Between groups, the verbs would say little: the edge says how many.
    kept = {node for node, group in group_of.items() if node == group}
    edges = tuple(
        edge
        if {edge.source, edge.target} <= kept
        else replace(edge, label=plural(edge.weight, "relation"))
        for edge in grouped
    )
    return nodes, edges


def system_view(arch: Architecture, system_id: str) -> View:
    """A system's elements in its frame, with the elements around them that
    they use or that use them; in a large view, those of other systems
    folded into one card per system."""
    inside = list(arch.in_system(system_id))
    around = [other for element in inside for other in neighbours(arch, element.id)]
    view = _graph(arch, f"system/{system_id}", _title(arch, system_id), inside + around)
    if view.collapsed or len(view.nodes) <= CONTEXT_NODES:
        return view
    group_of = {node.id: _context_group(arch, node, system_id) for node in view.nodes}
    nodes, edges = _regroup(view, group_of, lambda group, count: _group_node(arch, group, count))
    clusters = tuple(cluster for cluster in view.clusters if cluster.id == system_id)
    return replace(view, nodes=nodes, edges=edges, clusters=clusters)


CONTEXT_NODES = 30  # above this, a system view folds its neighbours' systems


def _context_group(arch: Architecture, node: ViewNode, system_id: str) -> str:
    """A node's card in a folded system view: itself, or its system's."""
    if node.cluster == system_id:
        return node.id
    group = _group(arch, node)
    return node.id if group.startswith(LOOSE) else group


def team_view(arch: Architecture, team_id: str) -> View:
    """What a team owns, framed by system and drawn as focus, with the
    elements they use and that use them around it."""
    owned = list(arch.owned_by(team_id))
    around = [other for element in owned for other in neighbours(arch, element.id)]
    # A system drawn as the frame of its elements is not drawn again as a card.
    framed = {cluster_for(arch, element) for element in owned + around}
    members = [element for element in owned + around if element.id not in framed]
    view = _graph(arch, f"team/{team_id}", _title(arch, team_id), members)
    if view.collapsed:
        return view
    ids = {element.id for element in owned}
    nodes = tuple(replace(node, focus=node.id in ids) for node in view.nodes)
    notes = ("A card with a thick border is owned by the team; the others are what it talks to.",)
    return replace(view, nodes=nodes, notes=notes)


def element_view(arch: Architecture, element_id: str) -> View:
    element = arch.by_id[element_id]
    members = neighbours(arch, element_id)
    if isinstance(element, LedgerNode) and element.ledger in arch.by_id:
        members.append(arch.by_id[element.ledger])
    return _graph(arch, f"element/{element_id}", element.title, members, focus=element_id)


def unique_nodes(nodes: list[ViewNode]) -> tuple[ViewNode, ...]:
    by_id: dict[str, ViewNode] = {}
    for node in nodes:
        by_id.setdefault(node.id, node)
    return tuple(by_id[key] for key in sorted(by_id))


# --- collapsing large views ----------------------------------------------------------


def collapse(arch: Architecture, view: View, keep_loose: bool = False) -> View:
    """One node per system; elements outside any system are grouped by kind,
    or, with `keep_loose` and while the view stays small, kept as they are."""
    group_of = {node.id: _group(arch, node) for node in view.nodes}
    loose = [node for node in view.nodes if group_of[node.id].startswith(LOOSE)]
    systems = {group for group in group_of.values() if not group.startswith(LOOSE)}
    if keep_loose and len(systems) + len(loose) <= MAX_NODES:
        group_of.update({node.id: node.id for node in loose})
    nodes, edges = _regroup(view, group_of, lambda group, count: _group_node(arch, group, count))
    return View(view.key, view.title, nodes, edges, (), collapsed=True, direction="TB")


LOOSE = "kind."  # the group of elements outside any system, by kind


def _group(arch: Architecture, node: ViewNode) -> str:
    element = arch.by_id.get(node.link)
    if element is None:
        return node.id
    # '.' cannot occur in an element id, and ':' would read as a DOT port.
    system = cluster_for(arch, element)
    if system:
        return system
    if element.kind == "vendor":  # many vendors: one group per provider
        provider = (getattr(element, "provider", None) or "other").lower()
        return f"{LOOSE}vendor.{_slug(provider)}"
    return f"{LOOSE}{element.kind}"


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text).split()) or "other"


def _group_node(arch: Architecture, group: str, count: int) -> ViewNode:
    if group.startswith(LOOSE):
        kind, _, provider = group.removeprefix(LOOSE).partition(".")
        spec = KIND_SPECS[kind]
        name = f"{provider} {spec.plural.lower()}" if provider else f"{spec.plural} (no system)"
        caption = plural(count, spec.title.lower())
        return ViewNode(group, name, caption, icon_for_kind(kind), f"kind:{kind}")
    caption = f"system · {plural(count, 'element')}"
    return ViewNode(group, _title(arch, group), caption, icon_for_kind("system"), group)


# --- the diff view -------------------------------------------------------------------------


def diff_view(base: Architecture, head: Architecture, changed: Iterable[str]) -> View:
    """Added, removed and changed elements with their neighbours, drawn from the
    union of both models so that the picture does not reshuffle between sides.

    An element whose document fails on one side (diff.invalid_in) is neither
    added nor removed: invalid in the head, or changed when it is valid again."""
    added = head.by_id.keys() - base.by_id.keys()
    removed = base.by_id.keys() - head.by_id.keys()
    invalid = {element_id for element_id in removed if head.left_out(element_id)}
    now_valid = {element_id for element_id in added if base.left_out(element_id)}
    added, removed = added - now_valid, removed - invalid
    touched = added | removed | invalid | now_valid | set(changed)
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
        if element_id in invalid:
            return "invalid"
        return "changed" if element_id in touched else "unchanged"

    nodes = []
    for element_id in sorted(chosen):
        arch = head if element_id in head.by_id else base
        element = arch.by_id[element_id]
        node = element_node(arch, element, cluster_for(arch, element))
        nodes.append(replace(node, status=status(element_id)))
    edges = _diff_edges(base, head, chosen, invalid | now_valid)
    view = View("diff", "Architecture changes", tuple(nodes), edges, ())
    clusters = view_clusters(head, view.nodes) + tuple(
        c for c in view_clusters(base, view.nodes) if head.get(c.id) is None
    )
    return replace(view, clusters=clusters)


def _diff_edges(
    base: Architecture, head: Architecture, chosen: set[str], unread: set[str]
) -> tuple[ViewEdge, ...]:
    """The edges of both sides; those of an element invalid on one side are
    drawn as the other side has them, neither added nor removed."""

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
    new = [key for key in after if key not in before and key[0] not in unread]
    result = [replace(after[key], status="added" if key in new else "unchanged") for key in after]
    result += [
        replace(before[key], status="unchanged" if key[0] in unread else "removed")
        for key in before.keys() - after.keys()
    ]
    return merge_edges(result)
