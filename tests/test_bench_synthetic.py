"""The benchmark's synthetic architecture is realistic, valid and deterministic."""

from __future__ import annotations

from pathlib import Path

import pytest

from archatlas.check import check_directory
from archatlas.findings import Severity
from archatlas.kinds import KINDS
from conftest import load_bench

synthetic = load_bench("synthetic")


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_200_elements_check_without_errors(tmp_path: Path) -> None:
    root = tmp_path / "architecture"
    written = synthetic.write_architecture(root, 200)
    result = check_directory(root)
    assert [
        f"{item.path}:{item.line}: {item.rule}"
        for item in result.findings
        if item.severity is Severity.ERROR
    ] == []
    assert result.count(Severity.WARNING) == 0
    elements = result.architecture.elements
    assert len(elements) == written.elements == 200
    assert len(result.files) == written.files
    assert {element.kind for element in elements} == set(KINDS)
    assert sum(written.kinds.values()) == 200


def test_layout_one_folder_per_system_several_documents_per_file(tmp_path: Path) -> None:
    root = tmp_path / "architecture"
    synthetic.write_architecture(root, 200)
    result = check_directory(root)
    systems = [element.id for element in result.architecture.of_kind("system")]
    folders = sorted(path.name for path in root.iterdir() if path.is_dir())
    assert folders == sorted([*systems, "actors", "environments", "flows", "teams"])
    for system in systems:
        members = result.architecture.in_system(system)
        assert 15 <= len(members) + 1 <= 25, system
        for member in members:
            assert Path(result.architecture.sources[member.id].path).parent.name == system
    per_file: dict[str, int] = {}
    for source in result.architecture.sources.values():
        per_file[source.path] = per_file.get(source.path, 0) + 1
    assert max(per_file.values()) >= 5
    assert sum(1 for count in per_file.values() if count > 1) >= len(per_file) // 2


def test_relations_and_kind_specific_fields(tmp_path: Path) -> None:
    root = tmp_path / "architecture"
    synthetic.write_architecture(root, 200)
    arch = check_directory(root).architecture
    services = arch.of_kind("service")
    assert services
    for service in services:
        assert 2 <= len(service.uses) <= 4, service.id
        assert service.runtime is not None  # type: ignore[attr-defined]
    assert all(vendor.approved_data for vendor in arch.of_kind("vendor"))  # type: ignore[attr-defined]
    assert all(lake.datasets for lake in arch.of_kind("datalake"))  # type: ignore[attr-defined]
    for ledger in arch.of_kind("ledger"):
        assert ledger.organizations and ledger.channels  # type: ignore[attr-defined]
        roles = {node.role for node in arch.of_kind("ledger-node") if node.ledger == ledger.id}  # type: ignore[attr-defined]
        assert roles == {"orderer", "peer"}
    verbs = {relation.verb for element in arch.elements for relation in element.uses}
    assert verbs >= {"calls", "reads", "writes", "submits"}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    synthetic.write_architecture(tmp_path / "a", 120, seed=7)
    synthetic.write_architecture(tmp_path / "b", 120, seed=7)
    synthetic.write_architecture(tmp_path / "c", 120, seed=8)
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    assert snapshot(tmp_path / "a") != snapshot(tmp_path / "c")


@pytest.mark.parametrize("size", [10, 37, 95, 333])
def test_other_sizes_are_exact_and_valid(tmp_path: Path, size: int) -> None:
    root = tmp_path / "architecture"
    written = synthetic.write_architecture(root, size, seed=size)
    result = check_directory(root)
    assert written.elements == len(result.architecture.elements) == size
    assert result.findings == ()


def test_too_small_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        synthetic.write_architecture(tmp_path, 5)


def test_systems_and_vendors_can_be_chosen(tmp_path: Path) -> None:
    root = tmp_path / "architecture"
    written = synthetic.write_architecture(root, 300, seed=3, systems=12, vendors=20)
    result = check_directory(root)
    assert result.findings == ()
    arch = result.architecture
    assert written.elements == len(arch.elements) == 300
    assert len(arch.of_kind("system")) == 12
    vendors = arch.of_kind("vendor")
    assert written.kinds["vendor"] == len(vendors) == 20
    providers = {vendor.provider for vendor in vendors}  # type: ignore[attr-defined]
    assert {"gcp", "aws", "azure", "tableau"} <= providers
    assert providers - {"gcp", "aws", "azure", "tableau"}, "no provider in free text"
    users: dict[str, set[str | None]] = {vendor.id: set() for vendor in vendors}
    for element in arch.elements:
        for relation in element.uses:
            if relation.to in users:
                users[relation.to].add(getattr(element, "system", None))
    assert all(users.values()), "a vendor nobody uses"
    crossing = [
        vendor.id
        for vendor in vendors
        if users[vendor.id] - {vendor.system}  # type: ignore[attr-defined]
    ]
    assert len(crossing) >= 5, crossing


def test_systems_alone_and_no_vendors(tmp_path: Path) -> None:
    root = tmp_path / "architecture"
    written = synthetic.write_architecture(root, 200, systems=5, vendors=0)
    result = check_directory(root)
    assert result.findings == ()
    assert written.elements == 200
    assert len(result.architecture.of_kind("system")) == 5
    assert result.architecture.of_kind("vendor") == ()


def test_impossible_systems_or_vendors_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        synthetic.write_architecture(tmp_path / "a", 100, systems=0)
    with pytest.raises(ValueError):
        synthetic.write_architecture(tmp_path / "b", 100, systems=50)
    with pytest.raises(ValueError):
        synthetic.write_architecture(tmp_path / "c", 100, vendors=-1)
