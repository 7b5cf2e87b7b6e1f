"""Rules on an element's own fields: links, icons, runtimes, acceptances, orphans."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .. import rules
from ..deploy import deployments, replicas
from ..findings import Finding, Severity, did_you_mean, finding
from ..format import Element, Runtime
from ..model import Architecture
from ..model_rules import INVALID_VALUE
from ..urls import is_safe_url, url_scheme
from .fields_rules import (
    BAD_ICON,
    CRONJOB_WITHOUT_SCHEDULE,
    ORPHAN_ELEMENT,
    SCHEDULE_WITHOUT_CRONJOB,
    SINGLE_REPLICA,
    UNSAFE_LINK,
)
from .references import VERB_TARGETS

CONNECTED_KINDS = frozenset({"actor", "service", "vendor", "datastore", "datalake", "ledger"})
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
ICON_PATH = re.compile(r"[A-Za-z0-9._/-]+")
ACTIVE_SVG = re.compile(
    rb"<\s*(script|foreignObject|iframe|embed|object)|\son[a-z]+\s*=|javascript:|<!ENTITY",
    re.IGNORECASE,
)
MAX_ICON_BYTES = 1024 * 1024


def check_links(arch: Architecture, root: Path) -> Iterator[Finding]:
    for element in arch.elements:
        for index, link in enumerate(element.links):
            scheme = url_scheme(link.url)
            if not is_safe_url(link.url):
                yield finding(
                    UNSAFE_LINK,
                    arch.locate(element.id, "links", index, "url"),
                    f"the link '{link.title}' uses the scheme '{scheme}:'",
                    "links may use http(s), mailto or a relative URL",
                    element.id,
                )


def check_icons(arch: Architecture, root: Path) -> Iterator[Finding]:
    resolved_root = root.resolve()
    for element in arch.elements:
        if element.icon is None:
            continue
        problem = icon_problem(element.icon, arch.sources[element.id].file.parent, resolved_root)
        if problem:
            yield finding(
                BAD_ICON,
                arch.locate(element.id, "icon"),
                f"icon '{element.icon}' {problem}",
                "give the path of a PNG, JPEG, GIF, WebP or SVG file inside the architecture "
                "directory, relative to this YAML file",
                element.id,
            )


def icon_problem(icon: str, folder: Path, root: Path) -> str | None:
    """Why `icon` is not a usable image inside `root`, or None when it is."""
    if Path(icon).is_absolute() or "\\" in icon or url_scheme(icon):
        return "is not a relative path"
    if not ICON_PATH.fullmatch(icon):
        # The path reaches Graphviz and the site: no quotes, spaces or markup.
        return "has characters other than letters, digits, '.', '_', '-' and '/'"
    try:
        path = (folder / icon).resolve()
        if not path.is_relative_to(root):
            return "is outside the architecture directory"
        if not path.is_file():
            return "does not exist"
        with path.open("rb") as handle:
            head = handle.read(MAX_ICON_BYTES + 1)
    except (OSError, ValueError, RuntimeError):  # NUL, too long, a link loop
        return "is not a usable path"
    if head.startswith(IMAGE_SIGNATURES) or head[8:12] == b"WEBP":
        return None
    if b"<svg" in head[:4096]:
        # An SVG is a document: published as it is, script in it would run
        # on the site's domain.
        if len(head) > MAX_ICON_BYTES or ACTIVE_SVG.search(head):
            return "is an SVG that holds script, event handlers or external content"
        return None
    return "is not a PNG, JPEG, GIF, WebP or SVG image"


def check_runtimes(arch: Architecture, root: Path) -> Iterator[Finding]:
    for element in arch.elements:
        runtime = getattr(element, "runtime", None)
        if isinstance(runtime, Runtime):
            yield from _runtime(arch, element, runtime)
        if element.kind == "service":
            yield from _single_replicas(arch, element, runtime)


def _runtime(arch: Architecture, element: Element, runtime: Runtime) -> Iterator[Finding]:
    if runtime.schedule is not None and runtime.workload != "cronjob":
        yield finding(
            SCHEDULE_WITHOUT_CRONJOB,
            arch.locate(element.id, "runtime", "schedule"),
            "a schedule applies to a cronjob, and this runtime "
            + (f"is a {runtime.workload}" if runtime.workload else "sets no workload"),
            "set 'workload: cronjob', or remove the schedule",
            element.id,
        )
    if runtime.workload == "cronjob" and runtime.schedule is None:
        yield finding(
            CRONJOB_WITHOUT_SCHEDULE,
            arch.locate(element.id, "runtime", "workload"),
            "this cronjob has no schedule",
            "add 'schedule' with a cron expression, e.g. '*/15 * * * *'",
            element.id,
        )
    autoscale = runtime.autoscale
    if autoscale is not None and autoscale.min > autoscale.max:
        yield finding(
            INVALID_VALUE,
            arch.locate(element.id, "runtime", "autoscale", "min"),
            f"autoscale min {autoscale.min} is above max {autoscale.max}",
            element=element.id,
        )


def _single_replicas(
    arch: Architecture, element: Element, runtime: Runtime | None
) -> Iterator[Finding]:
    """One replica and no autoscale, in each environment it is deployed to: a
    deployment's `replicas` wins there, the runtime's is its default (and,
    without deployments, the only count there is)."""
    if runtime is not None and (runtime.autoscale or runtime.workload in ("job", "cronjob")):
        return
    counts: list[tuple[int | None, tuple[str | int, ...], str]] = [
        (
            replicas(element, deployment),
            ("deployments", index, "replicas")
            if deployment.replicas is not None
            else ("runtime", "replicas"),
            f" in '{deployment.environment}'",
        )
        for index, deployment in enumerate(deployments(element))
    ]
    if not counts and runtime is not None:
        counts.append((runtime.replicas, ("runtime", "replicas"), ""))
    for count, path, where in counts:
        if count == 1:
            yield finding(
                SINGLE_REPLICA,
                arch.locate(element.id, *path),
                f"'{element.id}' runs one replica{where} without autoscale: one failure stops it",
                "run two replicas or more, or add autoscale",
                element.id,
            )


def check_orphans(arch: Architecture, root: Path) -> Iterator[Finding]:
    # Relations whose target is lost (a deleted 'to:' line) may point at any
    # element their verb accepts: each has its own finding already.
    lost = arch.possible.open_verbs
    lost_kinds = {kind for verb in lost if verb in VERB_TARGETS for kind in VERB_TARGETS[verb]}
    lost_any = any(verb not in VERB_TARGETS for verb in lost)
    for element in arch.elements:
        used = arch.used_by(element.id) or arch.may_be_used(element.id)
        used = used or lost_any or element.kind in lost_kinds
        if element.kind in CONNECTED_KINDS and not element.uses and not used:
            yield finding(
                ORPHAN_ELEMENT,
                arch.locate(element.id, "id"),
                f"nothing uses '{element.id}' and it uses nothing",
                "add the relations that connect it, or remove it",
                element.id,
            )


def check_acceptances(arch: Architecture, root: Path) -> Iterator[Finding]:
    # Every rule, the site's too, so that an error is told apart from a typo.
    # (Read when called: archatlas.rules imports this package.)
    known_rules = {rule.id: rule for rule in rules.EVERY_RULE}
    warnings = sorted(key for key, rule in known_rules.items() if rule.severity is Severity.WARNING)
    for element in arch.elements:
        for index, acceptance in enumerate(element.accept):
            known = known_rules.get(acceptance.rule)
            if known is not None and known.severity is Severity.WARNING:
                continue
            problem = "is an error, which cannot be accepted" if known else "is not a rule"
            yield finding(
                INVALID_VALUE,
                arch.locate(element.id, "accept", index, "rule"),
                f"accept: '{acceptance.rule}' {problem}"
                + ("" if known else did_you_mean(acceptance.rule, warnings)),
                "warnings that can be accepted: " + ", ".join(warnings),
                element.id,
            )
