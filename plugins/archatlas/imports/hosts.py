"""Host names in configuration values: where one workload names another.

`CART_SERVICE_ADDR: "cartservice:7070"`, `amqp://rabbitmq:5672`,
`ORDER_QUEUE_HOSTNAME: rabbitmq`: each names a host that an importer then
looks up among the names its input defines (Kubernetes Services, Compose
services). Values that are only placeholders (`${FABRIC_PEER_IMAGE}`) are
kept as written, never guessed.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

PLACEHOLDER = re.compile(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*")
_HOST_PORT = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_.${}-]*):(\d+|\$\{[^}]+\})(/.*)?$")
_HOSTNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.${}-]*$")
# Variable names whose value is a host even without a port or scheme.
_HOSTY = re.compile(r"(HOST|HOSTNAME|ADDR|ADDRESS|SERVER|SERVERS|ENDPOINT|URL|URI|BROKERS?)$")
_LOCAL = {"localhost", "0.0.0.0", "*", "::", "host.docker.internal"}


@dataclass(frozen=True, slots=True)
class Candidate:
    host: str  # lower case, as the value writes it (placeholders kept)
    protocol: str | None  # the URL's scheme, when the value is a URL


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def is_placeholder_only(text: str) -> bool:
    return bool(text) and not PLACEHOLDER.sub("", text).strip(":/.")


def candidates(name: str, value: str, known: frozenset[str] = frozenset()) -> list[Candidate]:
    """The hosts that the variable `name` with `value` names.

    A value names a host when it is a URL, a `host:port`, a bare host in a
    variable named like one (`*_HOST`, `*_ADDR`, `*_URL`), or exactly one of
    the `known` names. Lists separated by commas are read item by item.
    """
    found: list[Candidate] = []
    for part in value.split(","):
        candidate = _candidate(name, part.strip(), known)
        if candidate is not None and not _is_local(candidate.host):
            found.append(candidate)
    return found


def _candidate(name: str, value: str, known: frozenset[str]) -> Candidate | None:
    if not value or " " in value:
        return None
    if "://" in value:
        try:
            split = urlsplit(value)
            host = split.hostname
        except ValueError:
            return None
        return Candidate(host, split.scheme.lower() or None) if host else None
    matched = _HOST_PORT.match(value)
    if matched:
        return Candidate(matched.group(1).lower(), None)
    bare = value.lower()
    if bare in known or bare.endswith((".svc.cluster.local", ".svc")):
        return Candidate(bare, None)
    if _HOSTY.search(name.upper()) and _HOSTNAME.match(value) and not value.isdigit():
        return Candidate(bare, None)
    return None


def _is_local(host: str) -> bool:
    if host in _LOCAL or is_placeholder_only(host):
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
