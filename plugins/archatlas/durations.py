"""Durations: one grammar for a vendor's `latency` and a flow's durations.

    duration   = [percentile " "] amount unit [" " anything]
    percentile = "p" digits            (p50, p95, p99, p99.9)
    amount     = digits ["." digits]
    unit       = ms | s | sec | min | m | h | d

`30s`, `p95 4min`, `p99 50ms`, `1.5h`. What follows the unit is a qualifier
kept as written ("p95 4min per hour of audio"): it is shown, not computed.
A vendor's latency written in free text before this grammar existed stays
valid; it is simply not compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DURATION = re.compile(
    r"^\s*(?:p(?P<percentile>\d{1,2}(?:\.\d+)?)\s+)?(?P<amount>\d+(?:\.\d+)?)\s*"
    r"(?P<unit>ms|sec|s|min|m|h|d)(?![A-Za-z])\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
SECONDS = {"ms": 0.001, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
# A step's duration agrees with its vendor's latency when neither is more
# than this many times the other: percentiles of one vendor measured by two
# teams differ, and a flow states an expectation, not a measurement.
TOLERANCE = 2.0


@dataclass(frozen=True, slots=True)
class Duration:
    seconds: float
    percentile: str | None = None  # "95" for p95
    qualifier: str = ""  # what followed the unit, as written

    def agrees(self, other: Duration) -> bool:
        """Within TOLERANCE of each other (zero agrees only with zero)."""
        low, high = sorted((self.seconds, other.seconds))
        return high == 0 or (low > 0 and high / low <= TOLERANCE)


def parse(text: str) -> Duration | None:
    """The duration `text` writes, or None when it follows no grammar."""
    match = _DURATION.match(text)
    if match is None:
        return None
    seconds = float(match["amount"]) * SECONDS[match["unit"].lower()]
    return Duration(seconds, match["percentile"], match["rest"].strip())


def shown(seconds: float) -> str:
    """Seconds as a reader takes them in: '4min 6s', '1h 2min', '350ms'."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    whole = round(seconds)
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        if whole >= size:
            parts.append(f"{whole // size}{unit}")
            whole %= size
    return " ".join(parts[:2])
