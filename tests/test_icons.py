"""Icons tell the truth: a product's logo only where the element declares the
product, else one clear vector icon for its role or kind."""

from __future__ import annotations

import itertools
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, get_args

import pytest

from archatlas import icons
from archatlas.format import Element, NodeRole, ServiceRole, Workload
from archatlas.icon_set import SOURCES, readme
from archatlas.icons import (
    ENGINE_ICONS,
    IMAGE_ICONS,
    NODE_ROLE_ICONS,
    PRODUCT_ICONS,
    PROVIDER_ICONS,
    ROLE_ICONS,
    WORKLOAD_ICONS,
    icon_file,
    icon_for,
    image_icon,
    own_root,
    png_source,
    resource_root,
)
from archatlas.kinds import KIND_SPECS, MODELS
from archatlas.svg import ICON_PREFIX, clean_markup

SHIPPED = sorted(own_root().glob("*.svg"))
REQUIRED = {"ledger-node": {"ledger": "net", "organization": "org"}}


def element(kind: str, **fields: Any) -> Element:
    data = {"kind": kind, "id": "x", **REQUIRED.get(kind, {}), **fields}
    return MODELS[kind].model_validate(data)


def service(**fields: Any) -> Element:
    return element("service", **fields)


def test_a_gateway_running_envoy_shows_the_envoy_logo() -> None:
    gateway = service(role="gateway", runtime={"image": "envoyproxy/envoy:v1.29.3"})
    assert icon_for(gateway) == "onprem/network/envoy.png"
    named = service(role="gateway", runtime={"image": "registry.example.com/p/envoy-gateway:1.2"})
    assert icon_for(named) == "onprem/network/envoy.png"


def test_a_gateway_without_an_image_shows_the_gateway_icon_not_kong() -> None:
    assert icon_for(service(role="gateway")) == "archatlas/role-gateway.svg"
    other = service(role="gateway", runtime={"image": "registry.example.com/ledger/fabric-gateway"})
    assert icon_for(other) == "archatlas/role-gateway.svg"


def test_a_model_shows_the_model_icon_not_mlflow() -> None:
    model = service(role="model", runtime={"image": "registry.example.com/quant/sentiment:4"})
    assert icon_for(model) == "archatlas/role-model.svg"
    assert "mlflow" not in " ".join(IMAGE_ICONS.values())


def test_services_of_different_roles_get_different_icons() -> None:
    roles = get_args(ServiceRole)
    shown = {icon_for(service(role=role, runtime={"workload": "deployment"})) for role in roles}
    assert len(shown) == len(roles)
    assert icon_for(service()) == KIND_SPECS["service"].icon
    assert icon_for(service(runtime={"workload": "cronjob"})) == "archatlas/workload-cronjob.svg"


def test_a_runtime_platform_is_no_product() -> None:
    assert icon_for(service(role="api", runtime={"platform": "serverless"})) == ROLE_ICONS["api"]
    assert icon_for(service(runtime={"platform": "docker"})) == KIND_SPECS["service"].icon


def test_ledger_nodes_of_different_roles_get_different_icons() -> None:
    roles = get_args(NodeRole)
    assert len({icon_for(element("ledger-node", role=role)) for role in roles}) == len(roles)
    assert icon_for(element("ledger-node")) == KIND_SPECS["ledger-node"].icon


def test_a_ledger_shows_the_vector_ledger_icon_not_a_blurred_bitmap() -> None:
    assert icon_for(element("ledger", platform="fabric")) == "archatlas/kind-ledger.svg"


def test_a_vendor_shows_its_declared_product_or_provider() -> None:
    speech = element("vendor", provider="gcp", product="Speech-to-Text")
    assert icon_for(speech) == "gcp/ml/speech-to-text.png"
    voice = element("vendor", provider="gcp", product="Cloud Text-to-Speech")
    assert icon_for(voice) == "gcp/ml/text-to-speech.png"
    assert icon_for(element("vendor", provider="gcp", product="Maps")) == "gcp/gcp.png"
    assert icon_for(element("vendor", provider="datasift")) == KIND_SPECS["vendor"].icon
    assert icon_for(element("vendor")) == KIND_SPECS["vendor"].icon


def test_datastores_and_lakes_show_their_engine() -> None:
    assert icon_for(element("datastore", engine="postgres")) == ENGINE_ICONS["postgres"]
    assert icon_for(element("datastore", engine="minio")) == KIND_SPECS["datastore"].icon
    assert icon_for(element("datalake", engine="s3")) == ENGINE_ICONS["s3"]
    assert icon_for(element("datalake", engine="delta")) == KIND_SPECS["datalake"].icon


def test_only_the_image_repository_name_counts() -> None:
    assert image_icon("registry.example.com/nginx-team/orders:1.0") is None
    assert image_icon("ingress-nginx/controller:v1.10") is None
    assert image_icon("registry.k8s.io/ingress-nginx@sha256:abc") == IMAGE_ICONS["nginx"]
    assert image_icon("bitnami/kafka:3.7") == IMAGE_ICONS["kafka"]
    assert image_icon("example/sparkle:1") is None
    assert image_icon(None) is None


def returnable_keys() -> set[str]:
    """Every key icon_for can give, read from its tables."""
    tables = [ENGINE_ICONS, IMAGE_ICONS, PROVIDER_ICONS, PRODUCT_ICONS]
    tables += [ROLE_ICONS, NODE_ROLE_ICONS, WORKLOAD_ICONS]
    keys = {key for table in tables for key in table.values()}
    return keys | {spec.icon for spec in KIND_SPECS.values()}


def test_every_icon_key_resolves_to_a_file() -> None:
    for key in sorted(returnable_keys()):
        assert icon_file(key).is_file(), key
        assert icon_file(key, "png").is_file(), key
        assert icon_file(key, "png").suffix == ".png", key


def test_icon_for_gives_only_keys_of_its_tables() -> None:
    keys = returnable_keys()
    images = [None, "envoyproxy/envoy", "apache/airflow:2", "acme/app"]
    for role, image, workload in itertools.product(
        [None, *get_args(ServiceRole)], images, [None, *get_args(Workload)]
    ):
        runtime = {"image": image, "workload": workload}
        assert icon_for(service(role=role, runtime=runtime)) in keys
    for (provider, product), _ in PRODUCT_ICONS.items():
        assert icon_for(element("vendor", provider=provider, product=product)) in keys


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", path
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_bitmaps_have_twice_the_pixels_they_are_drawn_with() -> None:
    # A card draws its icon at about 24 pt: a bitmap needs 48 px or more.
    bitmaps = {icon_file(key, "png") for key in returnable_keys()}
    assert bitmaps, "no bitmaps"
    for path in sorted(bitmaps):
        assert min(png_size(path)) >= 48, f"{path.name}: {png_size(path)}"


def test_every_shipped_svg_is_sized_xml_with_a_png_beside_it() -> None:
    assert {path.name for path in SHIPPED} == set(SOURCES)
    for path in SHIPPED:
        text = path.read_text(encoding="utf-8")
        # Graphviz 2.43 finds the <svg> tag only on a line after the prolog.
        assert text.startswith("<?xml") and text.split("\n")[1].startswith("<svg "), path.name
        root = ET.fromstring(text)
        assert root.tag == "{http://www.w3.org/2000/svg}svg", path.name
        assert (root.get("width"), root.get("height")) == ("24", "24"), path.name
        assert root.get("fill") == "#37474F", path.name
        assert png_size(path.with_suffix(".png")) == (96, 96), path.name


def test_the_icon_folder_says_where_its_icons_come_from() -> None:
    assert (own_root() / "LICENSE").is_file()
    assert (own_root() / "LICENSE-Apache-2.0").is_file()
    assert (own_root() / "README.md").read_text(encoding="utf-8") == readme()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz' dot is not installed")
def test_graphviz_draws_each_shipped_svg_at_the_size_of_its_cell() -> None:
    cells = "".join(
        f'n{index} [label=<<TABLE BORDER="0" CELLPADDING="0"><TR>'
        f'<TD FIXEDSIZE="TRUE" WIDTH="24" HEIGHT="24"><IMG SRC="{path}" SCALE="TRUE"/></TD>'
        f"<TD>{path.stem}</TD></TR></TABLE>>];\n"
        for index, path in enumerate(SHIPPED)
    )
    source = f"digraph G {{\n{cells}}}\n"
    done = subprocess.run(
        ["dot", "-Tsvg"], input=source.encode(), capture_output=True, timeout=30, check=True
    )
    assert b"Error" not in done.stderr and b"Warning" not in done.stderr, done.stderr
    images = re.findall(r"<image [^>]*>", done.stdout.decode())
    assert len(images) == len(SHIPPED)
    for image in images:
        assert 'width="24px" height="24px"' in image, image
    # A PNG drawing gets the PNG renderings, and dot loads them without a word.
    png = png_source(source)
    assert ".svg" not in png and png.count(".png") == len(SHIPPED)
    done = subprocess.run(
        ["dot", "-Tpng"], input=png.encode(), capture_output=True, timeout=30, check=True
    )
    assert done.stderr == b"", done.stderr


def test_no_path_of_the_machine_reaches_a_cleaned_drawing() -> None:
    own, library = own_root(), resource_root()
    markup = (
        f'<svg><image xlink:href="{own}/role-api.svg"/>'
        f'<image xlink:href="{library}/onprem/network/envoy.png"/></svg>'
    )
    cleaned = clean_markup(markup, "k")
    assert str(own) not in cleaned and str(library) not in cleaned
    assert f'"{ICON_PREFIX}archatlas/role-api.svg"' in cleaned
    assert f'"{ICON_PREFIX}onprem/network/envoy.png"' in cleaned
    for key in re.findall(rf'"{ICON_PREFIX}([^"]*)"', cleaned):
        assert icon_file(key).is_file()


def test_own_icons_stay_out_of_the_library_folder() -> None:
    # A key "archatlas/..." must never name a file of diagrams' resources.
    assert not (resource_root() / icons.OWN_PREFIX.rstrip("/")).exists()
