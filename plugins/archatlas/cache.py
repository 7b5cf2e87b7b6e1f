"""A content-addressed cache of Graphviz output.

An entry is keyed by what is drawn (the DOT source and output format), the
Graphviz version and the archatlas version, so a change to any of them is a
miss. Entries are written to a temporary file and renamed into place, so a
build killed mid-write, or two builds sharing the cache, never leave a half
entry that a later build would trust; each entry also carries a checksum,
and a corrupt one is deleted and drawn again. The least recently used
entries are pruned beyond a size limit.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
_CHECKSUM_BYTES = 64  # hex sha256 of the payload, then a newline


@dataclass(frozen=True)
class DiagramCache:
    folder: Path
    salt: str  # Graphviz and archatlas versions: a new version is a new cache
    max_bytes: int = DEFAULT_MAX_BYTES

    def key(self, source: str, output: str) -> str:
        content = "\0".join((self.salt, output, source)).encode("utf-8")
        return hashlib.sha256(content).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            if not path.is_file():  # missing, or a pipe or device planted there
                return None
            data = path.read_bytes()
        except OSError:
            return None
        checksum, payload = data[:_CHECKSUM_BYTES], data[_CHECKSUM_BYTES + 1 :]
        if hashlib.sha256(payload).hexdigest().encode("ascii") != checksum:
            with contextlib.suppress(OSError):
                path.unlink()  # truncated or corrupt: draw it again
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: pruned last
        return payload

    def put(self, key: str, payload: bytes) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n")
                    file.write(payload)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError:
            return  # a cache that cannot be written only costs time

    def remove(self, key: str) -> None:
        with contextlib.suppress(OSError):
            self._path(key).unlink()

    def prune(self) -> int:
        """Delete the least recently used entries beyond `max_bytes`; return how many."""
        entries = []
        for path in self.folder.glob("??/*"):
            with contextlib.suppress(OSError):
                stat = path.stat()
                entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
                removed += 1
        return removed
