"""`archatlas import kubernetes|compose|backstage`: the files written, the summary, check, merge.

Each fixture folder in tests/imports/ is imported from a copy in a fresh
folder (so that the paths printed are short and the same everywhere); the
files written and the summary are compared with tests/imports/expected/CASE/.
Set ARCHATLAS_UPDATE_GOLDEN=1 to rewrite them, then read the diff.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from archatlas.cli import main
from archatlas.imports.dotenv import interpolate, parse
from archatlas.imports.draft import slug
from archatlas.imports.hosts import candidates
from conftest import TESTS

FIXTURES = TESTS / "imports"
EXPECTED = FIXTURES / "expected"
UPDATE = os.environ.get("ARCHATLAS_UPDATE_GOLDEN") == "1"

CASES = {
    "kubernetes-shop": ["kubernetes", "kubernetes/shop"],
    "kubernetes-kustomize": ["kubernetes", "kubernetes/base"],
    "compose-shop": [
        "compose",
        "compose/shop/compose.yaml",
        "compose/shop/compose.override.yaml",
    ],
    "compose-profile": ["compose", "compose/shop", "--profile", "tools", "--system", "Shop Tools"],
    "backstage-catalog": ["backstage", "backstage/catalog/catalog-info.yaml"],
}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().out


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("kubernetes", "compose", "backstage"):
        shutil.copytree(FIXTURES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def written(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*.yaml"))
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_import_writes_the_expected_files(
    case: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, *args = CASES[case]
    code, out = run(["import", source, *args, "--out", "out"], capsys)
    assert code == (1 if "error[" in out else 0)
    files = {**written(workdir / "out"), "summary.txt": out}
    expected = EXPECTED / case
    if UPDATE:
        shutil.rmtree(expected, ignore_errors=True)
        for name, text in files.items():
            (expected / name).parent.mkdir(parents=True, exist_ok=True)
            (expected / name).write_text(text, encoding="utf-8")
    assert files == {
        path.relative_to(expected).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(expected.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_accepts_what_import_writes(
    case: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, *args = CASES[case]
    run(["import", source, *args, "--out", "out"], capsys)
    code, out = run(["check", "out"], capsys)
    assert code == 0, out
    assert ": 0 errors, " in out.splitlines()[-1]


def test_importing_twice_writes_the_same_bytes(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["import", "kubernetes", "kubernetes/shop", "--out", "one"], capsys)
    run(["import", "kubernetes", "kubernetes/shop", "--out", "two"], capsys)
    run(["import", "kubernetes", "kubernetes/shop", "--out", "two"], capsys)
    assert written(workdir / "one") == written(workdir / "two")


def test_merge_keeps_hand_written_fields_and_updates_the_runtime(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["import", "kubernetes", "kubernetes/shop", "--out", "arch"], capsys)
    shop = workdir / "arch" / "shop.yaml"
    text = shop.read_text(encoding="utf-8")
    head, web = text.split("id: web\nname: web\n")
    web = web.replace(
        "  - to: api\n    as: calls\n", "  - to: api\n    as: calls\n    data: internal\n"
    )
    text = head + "id: web\nname: Web shop\nowner: shop-team\n" + web
    shop.write_text(text, encoding="utf-8")
    (workdir / "arch" / "team.yaml").write_text("kind: team\nid: shop-team\n", encoding="utf-8")
    apps = workdir / "kubernetes" / "shop" / "apps.yaml"
    apps.write_text(apps.read_text().replace("replicas: 2", "replicas: 5"), encoding="utf-8")
    code, out = run(["import", "kubernetes", "kubernetes/shop", "--out", "arch", "--merge"], capsys)
    assert code == 0, out
    merged = shop.read_text(encoding="utf-8")
    web = merged.split("id: web\n", 1)[1].split("---", 1)[0]
    assert "name: Web shop\n" in web and "owner: shop-team\n" in web
    assert "replicas: 5\n" in web and "replicas: 2" not in web
    assert "    data: internal\n" in web
    assert (workdir / "arch" / "team.yaml").read_text() == "kind: team\nid: shop-team\n"
    assert run(["check", "arch"], capsys)[0] == 0


def test_merge_refuses_a_folder_with_errors(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "arch").mkdir()
    (workdir / "arch" / "bad.yaml").write_text("kind: team\nid: [\n", encoding="utf-8")
    code, out = run(["import", "kubernetes", "kubernetes/shop", "--out", "arch", "--merge"], capsys)
    assert code == 1
    assert "arch/bad.yaml:3:1: error[yaml-syntax]" in out
    assert "nothing merged" in out
    assert sorted(p.name for p in (workdir / "arch").iterdir()) == ["bad.yaml"]


def test_a_missing_path_is_a_usage_error(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "compose", "nowhere", "--out", "out"]) == 2
    assert "no such file or folder: 'nowhere'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "value", "hosts"),
    [
        ("CART_ADDR", "cartservice:7070", ["cartservice"]),
        ("DB", "postgres://user:pw@Orders-DB:5432/x", ["orders-db"]),
        ("QUEUE_HOSTNAME", "rabbitmq", ["rabbitmq"]),
        ("LOG_LEVEL", "rabbitmq", []),
        ("LOG_LEVEL", "info", []),
        ("BROKERS", "kafka-0:9092,kafka-1:9092", ["kafka-0", "kafka-1"]),
        ("LISTEN_ADDR", "0.0.0.0:8080", []),
        ("PEER_ADDR", "127.0.0.1:7051", []),
        ("HOST", "${OTHER_HOST}", []),
        ("ZIPKIN", "zipkin.jaeger.svc.cluster.local", ["zipkin.jaeger.svc.cluster.local"]),
        ("JAVA_OPTS", "-Xms64m -Dx=y:1", []),
        ("PORT", "8080", []),
    ],
)
def test_hosts_named_by_values(name: str, value: str, hosts: list[str]) -> None:
    assert [c.host for c in candidates(name, value)] == hosts


def test_dotenv_and_interpolation() -> None:
    values = parse("# c\nA=one\nexport B=${A}-two # note\nC='${A}'\nD=\"x ${B}\"\n")
    assert values == {"A": "one", "B": "one-two", "C": "${A}", "D": "x one-two"}
    assert interpolate("${A:-d}/${NONE:-d}/${NONE}/$A/$$A", values) == "one/d/${NONE}/one/$A"
    assert interpolate("${EMPTY:-d}${EMPTY-e}", {"EMPTY": ""}) == "d"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("peer0.org1.example.com", "peer0-org1-example-com"),
        ("Cart_Service", "cart-service"),
        ("3scale", "x-3scale"),
        ("--", "unnamed"),
    ],
)
def test_slug(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_an_importer_is_a_source_whose_findings_point_into_the_manifests(workdir: Path) -> None:
    from archatlas.check import check_directory
    from archatlas.report import text
    from archatlas.sources import SOURCES

    result = check_directory(Path("kubernetes/shop"), source=SOURCES["kubernetes"])
    assert [element.id for element in result.architecture.elements] == [
        "api",
        "api-cache",
        "nightly-report",
        "orders-db",
        "production",
        "shop",
        "web",
    ]
    assert str(result.architecture.locate("api", "runtime", "image")) == (
        "kubernetes/shop/apps.yaml:50:18"
    )
    assert str(result.architecture.locate("web", "uses", 0)) == "kubernetes/shop/apps.yaml:20:22"
    assert text(result).splitlines()[-1] == "7 elements in 2 files: 0 errors, 0 warnings"


def test_backstage_follows_locations_and_reads_a_folder_whole(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The catalog file follows its Location's glob; the folder reads every file: the same."""
    run(["import", "backstage", "backstage/catalog/catalog-info.yaml", "--out", "one"], capsys)
    run(["import", "backstage", "backstage/catalog", "--out", "two", "--system", "catalog"], capsys)
    one, two = written(workdir / "one"), written(workdir / "two")
    assert sorted(one) == sorted(two) == ["catalog.yaml", "shop.yaml", "teams.yaml"]
    assert [text.split("\n", 2)[2] for text in one.values()] == [
        text.split("\n", 2)[2] for text in two.values()
    ]
