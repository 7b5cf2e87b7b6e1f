"""What an import found, printed for the person who ran it.

Counts first, then every name the input uses that nothing defines (by name,
with where it is written), the placeholders kept as written, and what was
skipped and why, grouped by reason.
"""

from __future__ import annotations

from collections import Counter

from ..findings import plural
from ..report import format_finding, printable
from .draft import Found, Skipped

MAX_NAMES = 6  # names listed per group of skipped items


def counts(found: Found) -> dict[str, int]:
    kinds = Counter(draft.kind for draft in found.drafts)
    return {
        "services": kinds["service"],
        "datastores": kinds["datastore"],
        "relations": sum(len(draft.uses) for draft in found.drafts),
        "dangling": sum(1 for u in found.unresolved if u.reason == "dangling"),
        "external": sum(1 for u in found.unresolved if u.reason == "external"),
    }


def summary(found: Found, written: list[str], out: str) -> str:
    kinds = Counter(draft.kind for draft in found.drafts)
    relations = sum(len(draft.uses) for draft in found.drafts)
    found_line = ", ".join(plural(count, kind) for kind, count in sorted(kinds.items()) if count)
    lines = [
        *(format_finding(item) for item in found.findings),
        f"read {plural(len(found.files), 'file')}: {found_line}, {plural(relations, 'relation')}",
    ]
    dangling = [u for u in found.unresolved if u.reason == "dangling"]
    external = [u for u in found.unresolved if u.reason == "external"]
    for title, group in (
        ("nothing in the input defines", dangling),
        ("external endpoints, outside the input", external),
    ):
        if group:
            lines.append(f"{plural(len(group), 'unresolved reference')}: {title}:")
            lines.extend(
                f"  {u.at}: {u.source} -> '{printable(u.host)}' ({printable(u.via)})" for u in group
            )
    if found.placeholders:
        names = ", ".join(printable(p) for p in found.placeholders)
        lines.append(f"{plural(len(found.placeholders), 'placeholder')} kept as written: {names}")
    lines.extend(_skipped(found.skipped))
    decide = sum(
        1 for d in found.drafts if "owner" not in d.fields and d.kind not in ("team", "environment")
    )
    data = relations
    lines.append(
        f"to decide by hand (marked TODO): {plural(decide, 'owner')}, "
        f"{plural(data, 'data classification')}"
    )
    lines.append(f"wrote {plural(len(written), 'file')} to {out}: " + ", ".join(written))
    return "\n".join(lines) + "\n"


def _skipped(skipped: tuple[Skipped, ...]) -> list[str]:
    if not skipped:
        return []
    groups: dict[tuple[str, str], list[Skipped]] = {}
    for item in skipped:
        kind = item.what.split(" ", 1)[0] if " " in item.what else "file"
        groups.setdefault((kind, item.why), []).append(item)
    lines = [f"skipped {plural(len(skipped), 'item')}:"]
    for (kind, why), items in sorted(groups.items()):
        names = [printable(i.what.split(" ", 1)[1] if " " in i.what else i.what) for i in items]
        shown = ", ".join(names[:MAX_NAMES]) + (", ..." if len(names) > MAX_NAMES else "")
        lines.append(f"  {kind} x{len(items)} ({shown}): {why}")
    return lines
