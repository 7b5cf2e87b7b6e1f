"""The last site built, kept to be reused when nothing it was made of changed.

A build with nothing changed would generate the same pages, build the same
views and read the same drawings from the cache: the memo holds their
result, keyed by everything they are made of (the files read, the findings,
the settings, the documents' view references, this package's code and the
libraries that shape its output). One memo is kept per cache folder.

Pages and drawings go into the site as they are, so a memo must be ours: it
is signed with a key kept outside the project (in the user's cache folder),
which a cache folder restored from elsewhere does not hold. A memo that is
missing, stale, damaged or unsigned is ignored and written again.

The drawings stay in their own cache entries, which the memo names with a
digest of each: it stays small (a few megabytes where the drawings are a
hundred), and an entry changed since is as good as missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib.metadata
import json
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import DiagramCache
from .check import Result
from .render import Rendered, drawing_digest

if TYPE_CHECKING:
    from .site import SiteOptions

_LIBRARIES = ("diagrams", "Markdown", "Jinja2", "pydantic", "PyYAML")
_LATEST = "site memo"  # the entry naming the memo of the last site built
_KEY_FILE = "memo-key"


@dataclass(frozen=True)
class Memo:
    pages: dict[str, str]
    diagrams: Mapping[str, Rendered]
    legends: dict[str, str]
    custom_icons: dict[str, Path]
    icon_keys: frozenset[str]
    identities: dict[str, str]


def memo_key(result: Result, options: SiteOptions, document_views: Iterable[str]) -> str | None:
    """What a site is made of, as a digest; None when it cannot be known (a
    source that reports no digest) or when there is no cache to keep it in."""
    render = options.render
    if not result.digest or render.cache is None or render.output != "svg":
        return None
    parts = (
        CODE,
        result.digest,
        result.root,
        repr(result.findings),
        repr(options),
        " ".join(sorted(document_views)),
    )
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def read_memo(cache: DiagramCache, key: str) -> Memo | None:
    """The memo of the site made of `key`, when one is kept and signed. A
    site made of anything else costs a look-up, not a read."""
    data = _signed(cache, key)
    if data is None:
        return None
    diagrams = {}
    for name, (entry, digest, error) in data["diagrams"].items():
        markup = _stored(cache, entry, digest) if not error else ""
        if markup is None:
            return None
        diagrams[name] = Rendered(name, "svg", markup, error=error, cached=True, entry=entry)
    icons = {name: Path(path) for name, path in data["custom_icons"].items()}
    return Memo(
        data["pages"],
        diagrams,
        data["legends"],
        icons,
        frozenset(data["icon_keys"]),
        data["identities"],
    )


def vouched_drawings(cache: DiagramCache) -> dict[str, str]:
    """The drawings the last memo names, cache entry -> digest: this user's
    builds drew or checked them, so an entry that still matches its digest
    needs no check again (see render.start_drawing)."""
    latest = cache.get(_latest(cache))
    data = _signed(cache, latest.decode("ascii", "replace")) if latest is not None else None
    if data is None:
        return {}
    return {entry: digest for entry, digest, error in data["diagrams"].values() if not error}


def _signed(cache: DiagramCache, key: str) -> dict[str, Any] | None:
    """The data of the memo made of `key`, when one is kept and signed with this user's key."""
    signing = _signing_key()
    found = cache.get(_entry(cache, key)) if signing is not None else None
    if signing is None or found is None:
        return None
    signature, _, payload = found.partition(b"\n")
    expected = hmac.new(signing, payload, hashlib.sha256).hexdigest().encode("ascii")
    if not hmac.compare_digest(signature, expected):
        return None
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("key") == key else None


def write_memo(cache: DiagramCache, key: str, memo: Memo) -> None:
    """Keep `memo` as the last site built, made of `key`, in place of the one before."""
    signing = _signing_key()
    if signing is None or any(not d.entry and not d.error for d in memo.diagrams.values()):
        return
    data = {
        "key": key,
        "pages": memo.pages,
        "diagrams": {
            name: [d.entry, drawing_digest(d.markup.encode("utf-8")), d.error]
            for name, d in memo.diagrams.items()
        },
        "legends": memo.legends,
        "custom_icons": {name: str(path) for name, path in memo.custom_icons.items()},
        "icon_keys": sorted(memo.icon_keys),
        "identities": memo.identities,
    }
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    signature = hmac.new(signing, payload, hashlib.sha256).hexdigest().encode("ascii")
    latest = _latest(cache)
    before = cache.get(latest)
    cache.put(_entry(cache, key), signature + b"\n" + payload)
    cache.put(latest, key.encode("ascii"))
    if before is not None and before != key.encode("ascii"):
        cache.remove(_entry(cache, before.decode("ascii", "replace")))


def _stored(cache: DiagramCache, entry: str, digest: str) -> str | None:
    """The drawing kept in `entry`, if it is still the one the memo names."""
    found = cache.get(entry)
    return found.decode("utf-8") if found is not None and drawing_digest(found) == digest else None


def _latest(cache: DiagramCache) -> str:
    """The entry naming the key of the last memo kept in `cache`."""
    return cache.key(_LATEST, str(cache.folder))


def _entry(cache: DiagramCache, key: str) -> str:
    return cache.key(_LATEST, key)


def _signing_key() -> bytes | None:
    """This user's key for memos, made on first use; None when it cannot be kept."""
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "archatlas"
    path = folder / _KEY_FILE
    with contextlib.suppress(OSError):
        if path.is_file():
            key = path.read_bytes()
            if len(key) >= 32:
                return key
        folder.mkdir(parents=True, exist_ok=True)
        fresh = secrets.token_bytes(32)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "wb") as file:
            file.write(fresh)
        return fresh
    return None


def _code_digest() -> str:
    """This package's files and the versions of the libraries that shape pages."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for name in _LIBRARIES:
        digest.update(f"{name} {importlib.metadata.version(name)}\0".encode())
    for file in sorted(package.rglob("*")):
        if file.is_file() and file.suffix in {".py", ".j2", ".css", ".js", ".svg", ".png"}:
            digest.update(file.relative_to(package).as_posix().encode() + b"\0")
            digest.update(file.read_bytes())
    return digest.hexdigest()


CODE = _code_digest()
