"""Screenshots of the example site for the documentation, taken in Chromium.

    .venv/bin/python bench/screenshots.py [--out docs/assets/screenshots] [--only system lake]

Builds the example site (the repository's mkdocs.yml, docs/ and
architecture/, in a temporary folder), serves it on 127.0.0.1 and saves,
for each page below, three PNGs, scrolled so that the page's first diagram
is in view: NAME-light.png and NAME-dark.png (1440x900, Material's light
and dark palettes) and NAME-phone.png (390x844 at twice the pixel density,
light). It also writes the three pictures docs/site.md shows under their
own names (see ALIASES).

The same build gives the same pictures: transitions and animations are
off, the pointer rests outside the page, no picture holds a date, and each
picture is one that two fresh openings of its page gave alike (Chromium now
and then rasterises a page a little differently); a file that is already
there and that an opening reproduces is left as it is.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from diagram_bench import CHROMIUM, CHROMIUM_ARGS, REPO, build, example_project, log, serve

OUT = REPO / "docs" / "assets" / "screenshots"
PAGES = {
    "overview": "/architecture/",
    "system": "/architecture/system/market-insight/",
    "lake": "/architecture/datalake/market-lake/",
    "ledger": "/architecture/ledger/trade-fabric/",
    "vendor": "/architecture/vendor/gcp-speech-to-text/",
    "environment": "/architecture/environment/production/",
    "flow-transcription": "/architecture/flow/call-transcription/",
    "flow-trade": "/architecture/flow/trade-recording/",
}
# The pictures docs/site.md shows, by file name: (page, variant, scrolled to the diagram).
ALIASES = {
    "landscape.png": ("/architecture/", "light", True),
    "element-page.png": ("/architecture/service/news-scraper/", "light", False),
    "ledger-page-dark.png": ("/architecture/ledger/trade-fabric/", "dark", True),
}
HEADER_GAP = 64  # px left above the diagram for Material's fixed header
ATTEMPTS = 5  # fresh openings of a page at most, for a picture that comes twice


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    scheme: str  # "light" or "dark"
    scale: int = 1
    phone: bool = False


VARIANTS = {
    "light": Variant(1440, 900, "light"),
    "dark": Variant(1440, 900, "dark"),
    "phone": Variant(390, 844, "light", scale=2, phone=True),
}

# No transition half-way when the picture is taken (Material's header title, say).
STILL = "*, *::before, *::after { transition: none !important; animation: none !important; }"
SCROLL_TO_DIAGRAM = """
(gap) => {
  const figure = document.querySelector('.archatlas-diagram');
  if (!figure) return false;
  window.scrollTo(0, Math.max(0, figure.getBoundingClientRect().top + window.scrollY - gap));
  return true;
}
"""


def shoot(browser: Any, base: str, url: str, variant: Variant, scroll: bool) -> bytes:
    """One picture of one page, in a browser context of its own."""
    context = browser.new_context(
        viewport={"width": variant.width, "height": variant.height},
        device_scale_factor=variant.scale,
        is_mobile=variant.phone,
        has_touch=variant.phone,
        color_scheme=variant.scheme,
        reduced_motion="reduce",
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(base + url, wait_until="networkidle")
    page.add_style_tag(content=STILL)
    page.evaluate("() => document.fonts.ready")
    if scroll and not page.evaluate(SCROLL_TO_DIAGRAM, HEADER_GAP):
        raise SystemExit(f"{url} holds no diagram")
    page.mouse.move(0, variant.height - 1)  # no hover highlight on the diagram
    page.wait_for_timeout(500)  # the header's title follows the scroll
    picture = steady_picture(page)
    context.close()
    return picture


def steady_picture(page: Any, tries: int = 6) -> bytes:
    """A screenshot that the next one repeats, byte for byte."""
    last = b""
    for _ in range(tries):
        picture: bytes = page.screenshot(animations="disabled", caret="hide")
        if picture == last:
            return picture
        last = picture
        page.wait_for_timeout(200)
    raise SystemExit(f"{page.url}: no two screenshots alike in {tries} tries")


def picture_of(
    browser: Any, base: str, url: str, variant: Variant, scroll: bool, existing: bytes | None
) -> bytes:
    """The page's picture, the same from run to run.

    Now and then a fresh page is rasterised a little differently (text
    shifted by part of a pixel, invisible but other bytes). So the page is
    opened afresh until one picture has come twice, and the file already
    written is kept when any opening gave exactly it.
    """
    seen: dict[bytes, int] = {}
    for _ in range(ATTEMPTS):
        picture = shoot(browser, base, url, variant, scroll)
        if picture == existing:
            return picture
        seen[picture] = seen.get(picture, 0) + 1
        if seen[picture] == 2:
            return picture
    return max(seen, key=lambda found: seen[found])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write the PNGs into")
    parser.add_argument("--only", nargs="*", choices=sorted(PAGES), help="these pages only")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    shots = [
        (url, VARIANTS[variant], True, f"{name}-{variant}.png")
        for name, url in PAGES.items()
        if not args.only or name in args.only
        for variant in VARIANTS
    ]
    if not args.only:
        shots += [(url, VARIANTS[v], scroll, name) for name, (url, v, scroll) in ALIASES.items()]
    with tempfile.TemporaryDirectory(prefix="archatlas-screenshots-") as scratch:
        log("building the example site")
        site, _ = build(example_project(Path(scratch)))
        with serve(site) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            for url, variant, scroll, name in shots:
                target = args.out / name
                existing = target.read_bytes() if target.exists() else None
                picture = picture_of(browser, base, url, variant, scroll, existing)
                if picture != existing:
                    target.write_bytes(picture)
                print(f"{target} ({'unchanged' if picture == existing else 'written'})")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
