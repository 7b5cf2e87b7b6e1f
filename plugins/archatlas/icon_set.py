"""Make archatlas' own icons (assets/icons/) from Material Design Icons.

The icons for kinds and roles are Material Design Icons by Pictogrammers
(Apache-2.0), which mkdocs-material installs with the theme: one consistent
vector set, drawn in one colour that reads on the white card of a diagram
node. Each gets an XML prolog and an explicit size (Graphviz 2.43 sizes an
SVG image from its `width`/`height` and finds the `<svg>` tag only on a line
after the prolog), and a PNG rendering, 96 px square, for PNG diagrams:
Debian's Graphviz has no plugin that rasterises SVG images (`dot -Tpng`
drops them with "No loadimage plugin for svg:cairo").

    python -m archatlas.icon_set      # rewrite assets/icons/ (needs Chromium)

Nothing at build time imports this module.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

FOLDER = Path(__file__).parent / "assets" / "icons"
FILL = "#37474F"  # Material's blue grey 800: reads on the white card, in both palettes
SIZE = 24  # the icon's natural size, in pt: what a node card draws
PNG_SIZE = 96  # PNG rendering, in px: four times the drawn size at 72 dpi, three at 96

# Our icon file -> the Material Design Icons name it is copied from.
SOURCES: dict[str, str] = {
    "kind-system.svg": "layers-triple-outline",
    "kind-team.svg": "account-group",
    "kind-actor.svg": "account",
    "kind-service.svg": "cube-outline",
    "kind-vendor.svg": "cloud-outline",
    "kind-datastore.svg": "database",
    "kind-datalake.svg": "waves",
    "kind-ledger.svg": "link-variant",
    "kind-ledger-node.svg": "server-outline",
    "kind-environment.svg": "earth",
    "kind-flow.svg": "swap-horizontal",
    "role-api.svg": "api",
    "role-worker.svg": "cog-outline",
    "role-model.svg": "brain",
    "role-scraper.svg": "spider-web",
    "role-pipeline.svg": "transit-connection-variant",
    "role-ui.svg": "monitor-dashboard",
    "role-gateway.svg": "boom-gate-outline",
    "node-peer.svg": "server-network",
    "node-orderer.svg": "format-list-numbered",
    "node-validator.svg": "shield-check-outline",
    "node-bootnode.svg": "power",
    "node-rpc.svg": "console-network-outline",
    "node-observer.svg": "eye-outline",
    "workload-cronjob.svg": "calendar-clock",
    "workload-job.svg": "play-circle-outline",
}


README = """\
# archatlas' own icons

The icons a diagram draws for an element's kind or role when the element
declares no product (see docs/reference/format.md, "Icons"). They are
[Material Design Icons](https://pictogrammers.com/library/mdi/) by
Pictogrammers, released under the Apache License 2.0 (`LICENSE` is
Pictogrammers' notice as mkdocs-material ships it, `LICENSE-Apache-2.0` the
licence's text), copied from mkdocs-material's
`templates/.icons/material/` and changed only in three ways: an XML prolog,
an explicit size of 24 x 24 and the fill colour #37474F. Each `.png` is a
96 px rendering of the `.svg` of the same name, for PNG diagrams (Graphviz
cannot rasterise an SVG image).

`python -m archatlas.icon_set` (needs Chromium) writes the folder again.

| file | Material Design Icons name |
|---|---|
"""


def readme() -> str:
    """The folder's README: where the icons come from, and which icon each file is."""
    rows = [
        f"| {name}, {name.removesuffix('.svg')}.png | {icon} |" for name, icon in SOURCES.items()
    ]
    return README + "\n".join(rows) + "\n"


def material_folder() -> Path:
    """Where mkdocs-material keeps Material Design Icons."""
    import material  # type: ignore[import-untyped]

    return Path(material.__file__).parent / "templates" / ".icons" / "material"


_OPEN = re.compile(r"<svg\b[^>]*>")


def sized_svg(source: str) -> str:
    """An icon's SVG with a prolog, an explicit size and our fill colour."""
    body = _OPEN.sub("", source, count=1).strip()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 24 24" fill="{FILL}">\n{body}\n'
    )


def write_svgs(folder: Path = FOLDER) -> list[Path]:
    source = material_folder()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / "LICENSE", folder / "LICENSE")
    apache = Path("/usr/share/common-licenses/Apache-2.0")  # Debian's copy of the text
    if apache.exists():
        shutil.copyfile(apache, folder / "LICENSE-Apache-2.0")
    (folder / "README.md").write_text(readme(), encoding="utf-8")
    written = []
    for name, icon in SOURCES.items():
        text = (source / f"{icon}.svg").read_text(encoding="utf-8")
        (folder / name).write_text(sized_svg(text), encoding="utf-8")
        written.append(folder / name)
    return written


def write_pngs(svgs: list[Path], chromium: str = "/usr/bin/chromium") -> None:
    """A transparent PNG beside each SVG, rendered by Chromium (Playwright)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(
            viewport={"width": PNG_SIZE, "height": PNG_SIZE}, device_scale_factor=1
        )
        for svg in svgs:
            markup = svg.read_text(encoding="utf-8").split("\n", 1)[1]
            markup = markup.replace(
                f'width="{SIZE}" height="{SIZE}"', f'width="{PNG_SIZE}" height="{PNG_SIZE}"', 1
            )
            page.set_content(
                f'<html><body style="margin:0;background:transparent">{markup}</body></html>'
            )
            page.locator("svg").screenshot(path=str(svg.with_suffix(".png")), omit_background=True)
        browser.close()


def main() -> None:
    svgs = write_svgs()
    write_pngs(svgs, *sys.argv[1:2])
    print(f"wrote {len(svgs)} icons (SVG and PNG) to {FOLDER}")


if __name__ == "__main__":
    main()
