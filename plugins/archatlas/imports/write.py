"""Draft elements to YAML files: one file per namespace or system, sorted, commented.

Ids are stable (derived from the names in the input), files and documents
are sorted, and comments say where each element came from and which fields
a person must fill in, so importing twice writes the same bytes. With
`merge`, the elements already in the output folder keep every field written
by hand; the importer updates only what it reads (the runtime), and adds
elements and relations it finds that are not there yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..findings import Finding, Severity
from ..load import LoadLimits, load_paths
from ..yamltree import to_python
from .draft import ENVIRONMENT_ORIGIN, SYSTEM_ORIGIN, Draft, Found, slug
from .emit import Comments, document, ordered

OWNER_TODO = "owner: TODO the id of the team that owns it (a team element)"
DATA_TODO = "data: TODO public, internal, confidential or restricted"
# Fields an importer reads and so keeps current on --merge; a person's value wins for the rest.
UPDATED = ("platform", "workload", "image", "replicas", "schedule")


def draft_data(draft: Draft) -> dict[str, object]:
    data: dict[str, object] = {"kind": draft.kind, "id": draft.id, **draft.fields}
    if draft.uses:
        data["uses"] = [
            {
                key: value
                for key, value in (("to", r.to), ("as", r.verb), ("protocol", r.protocol))
                if value is not None
            }
            for r in draft.uses
        ]
    return data


def file_name(draft: Draft) -> str:
    return f"{slug(draft.group or draft.id)}.yaml"


def _comments(data: dict[str, object], draft: Draft | None) -> Comments:
    comments: dict[tuple[str | int, ...], tuple[str, ...]] = {}
    if "owner" not in data and data.get("kind") not in ("team", "actor", "environment"):
        after = "system" if "system" in data else "name" if "name" in data else "id"
        comments[(after,)] = (OWNER_TODO,)
    vias = {r.to: r.via for r in draft.uses} if draft else {}
    uses = data.get("uses")
    for number, item in enumerate(uses if isinstance(uses, list) else []):
        if not isinstance(item, dict) or "data" in item:
            continue
        last = ordered(item)[-1][0]
        via = vias.get(str(item.get("to")))
        note = f"found in {via}; {DATA_TODO}" if via else DATA_TODO
        comments[("uses", number, last)] = (note,)
    return comments


def _header(draft: Draft | None) -> tuple[str, ...]:
    if draft is None:
        return ()
    synthetic = draft.origin in (SYSTEM_ORIGIN, ENVIRONMENT_ORIGIN)
    where = f" ({draft.at})" if draft.at.path and not synthetic else ""
    return (f"{draft.origin}{where}", *draft.notes)


def render(found: Found, command: str) -> dict[str, str]:
    """The files to write, by name, for a fresh import."""
    groups: dict[str, list[Draft]] = {}
    for draft in found.drafts:
        groups.setdefault(file_name(draft), []).append(draft)
    return {
        name: _file_text(command, [(draft_data(d), d) for d in drafts])
        for name, drafts in sorted(groups.items())
    }


def _file_text(command: str, documents: Iterable[tuple[dict[str, object], Draft | None]]) -> str:
    head = (
        f"# Written by `{command}`.\n"
        "# Edit freely: importing again with --merge keeps the fields written by hand.\n"
    )
    return head + "".join(
        document(data, _header(draft), _comments(data, draft)) for data, draft in documents
    )


@dataclass(frozen=True, slots=True)
class Merged:
    files: dict[str, str]
    findings: tuple[Finding, ...]  # problems that stop the merge
    kept: int  # elements already there
    added: int


def merge(found: Found, out: Path, command: str, limits: LoadLimits) -> Merged:
    """The files to write so that `out` gains what `found` holds, keeping hand-written fields."""
    if not out.is_dir():
        return Merged(render(found, command), (), 0, len(found.drafts))
    loaded = load_paths([out], limits)
    errors = tuple(f for f in loaded.findings if f.severity is Severity.ERROR)
    if errors:
        return Merged({}, errors, 0, 0)
    drafts = {draft.id: draft for draft in found.drafts}
    files: dict[str, list[tuple[dict[str, object], Draft | None]]] = {}
    touched: set[str] = set()
    placed: set[str] = set()
    root = out.resolve()
    for doc in loaded.documents:
        name = doc.file.resolve().relative_to(root).as_posix()
        data = to_python(doc.root)
        assert isinstance(data, dict)
        element_id = data.get("id")
        draft = drafts.get(element_id) if isinstance(element_id, str) else None
        if draft is not None:
            data = merge_element(data, draft_data(draft))
            touched.add(name)
            placed.add(draft.id)
        files.setdefault(name, []).append((data, draft))
    added = 0
    for draft in found.drafts:
        if draft.id not in placed:
            name = file_name(draft)
            files.setdefault(name, []).append((draft_data(draft), draft))
            touched.add(name)
            added += 1
    written = {name: _file_text(command, files[name]) for name in sorted(touched)}
    return Merged(written, (), len(placed), added)


def merge_element(existing: dict[str, object], found: dict[str, object]) -> dict[str, object]:
    """`existing` with what the importer found: a person's fields win, the runtime is updated."""
    merged = dict(existing)
    for key, value in found.items():
        if key == "runtime" and isinstance(value, dict):
            runtime = existing.get("runtime")
            current = dict(runtime) if isinstance(runtime, dict) else {}
            current.update({k: v for k, v in value.items() if k in UPDATED})
            merged["runtime"] = current
        elif key == "uses" and isinstance(value, list):
            uses = list(existing.get("uses") or ())  # type: ignore[call-overload]
            targets = {item.get("to") for item in uses if isinstance(item, dict)}
            uses.extend(item for item in value if item.get("to") not in targets)
            merged["uses"] = uses
        elif key not in existing:
            merged[key] = value
    return merged
