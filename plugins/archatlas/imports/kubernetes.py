"""Kubernetes manifests to draft elements.

Deployments, StatefulSets, DaemonSets, Jobs and CronJobs become services
(datastores when their image is a well-known one); a datastore image in a
pod's other container becomes a datastore of its own. Relations come from
the hosts that env values and the ConfigMaps of `envFrom` name, resolved
through the Services whose selectors pick the workloads. Everything else is
reported as skipped, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..findings import Location
from ..load import Document, LoadLimits
from ..yamltree import Mapping, Node
from . import kustomize
from .draft import Found, Path_, Skipped, slug
from .images import engine_of
from .read import dig, integer, items, mapping, read_files, text
from .resolve import Endpoint, Reference, Workload, resolve

WORKLOADS = {
    "Deployment": "deployment",
    "StatefulSet": "statefulset",
    "DaemonSet": "daemonset",
    "Job": "job",
    "CronJob": "cronjob",
}
WHY_SKIPPED = {
    "Secret": "holds credentials, not architecture: its values are not read",
    "Ingress": "an entry point from outside the cluster, not an element",
    "Namespace": "a namespace becomes the deployments of its elements",
    "PersistentVolumeClaim": "storage claims are not elements",
    "PersistentVolume": "storage is not an element",
    "ServiceAccount": "access control is not architecture",
    "Role": "access control is not architecture",
    "RoleBinding": "access control is not architecture",
    "ClusterRole": "access control is not architecture",
    "ClusterRoleBinding": "access control is not architecture",
    "NetworkPolicy": "network policies are not relations",
    "PodDisruptionBudget": "not architecture",
}
READ = ("Service", "ConfigMap", "HorizontalPodAutoscaler")
_DEFAULT_REPLICAS = ("deployment", "statefulset")  # Kubernetes runs 1 when none is given


@dataclass(frozen=True, slots=True)
class _Manifest:
    kind: str
    name: str
    namespace: str
    doc: Document
    root: Mapping


def read_kubernetes(
    paths: list[Path], limits: LoadLimits, base: Path, system: str, environment: str
) -> Found:
    plan = kustomize.plan(paths, limits, base)
    read = read_files(plan.files, limits, base)
    manifests, skipped = _manifests(read.documents, plan.namespaces)
    config_maps = {
        (m.namespace, m.name): mapping(m.root.get("data"))
        for m in manifests
        if m.kind == "ConfigMap"
    }
    endpoints = [_endpoint(m, skipped) for m in manifests if m.kind == "Service"]
    workloads = []
    for manifest in manifests:
        if manifest.kind in WORKLOADS:
            workloads.extend(_workloads(manifest, config_maps, skipped))
    scalers = [m for m in manifests if m.kind == "HorizontalPodAutoscaler"]
    workloads = _autoscaled(workloads, manifests, scalers, skipped)
    found = resolve("kubernetes", workloads, endpoints, system, "kubernetes", environment)
    return Found(
        "kubernetes",
        found.drafts,
        found.unresolved,
        (*plan.skipped, *skipped),
        found.placeholders,
        (*plan.findings, *read.findings),
        read.files,
    )


def _manifests(
    documents: tuple[Document, ...], namespaces: dict[Path, str]
) -> tuple[list[_Manifest], list[Skipped]]:
    found: list[_Manifest] = []
    skipped: list[Skipped] = []
    for doc in documents:
        roots = [doc.root]
        if text(doc.root.get("kind")) == "List":  # `kubectl get -o yaml` output
            roots = [item for item in items(doc.root.get("items")) if isinstance(item, Mapping)]
        for root in roots:
            kind = text(root.get("kind"))
            name = text(dig(root, "metadata", "name"))
            if kind is None or name is None:
                skipped.append(Skipped("a document", "no kind or metadata.name", doc.at(root.pos)))
                continue
            namespace = (
                text(dig(root, "metadata", "namespace")) or namespaces.get(doc.file) or "default"
            )
            manifest = _Manifest(kind, name, namespace, doc, root)
            if kind in WORKLOADS or kind in READ:
                found.append(manifest)
            else:
                why = WHY_SKIPPED.get(kind, "not a workload, Service or ConfigMap")
                skipped.append(Skipped(f"{kind} {name}", why, doc.at(root.pos)))
    return found, skipped


def _autoscaled(
    workloads: list[Workload],
    manifests: list[_Manifest],
    scalers: list[_Manifest],
    skipped: list[Skipped],
) -> list[Workload]:
    """Workloads with the min and max of the HorizontalPodAutoscaler that targets them.

    Their replicas are then the autoscaler's to set: a count the manifest does
    not give (Kubernetes' default of 1) is left out."""
    kinds = {(m.namespace, m.name): m.kind for m in manifests if m.kind in WORKLOADS}
    found: dict[tuple[str, str], tuple[int, int]] = {}
    for scaler in scalers:
        target = dig(scaler.root, "spec", "scaleTargetRef")
        key = (scaler.namespace, text(dig(target, "name")) or "")
        high = integer(dig(scaler.root, "spec", "maxReplicas"))
        low = integer(dig(scaler.root, "spec", "minReplicas"))
        if kinds.get(key) != text(dig(target, "kind")) or high is None:
            why = f"targets {text(dig(target, 'kind'))} {key[1]}, which the input does not run"
            skipped.append(
                Skipped(
                    f"HorizontalPodAutoscaler {scaler.name}", why, scaler.doc.at(scaler.root.pos)
                )
            )
            continue
        found[key] = (1 if low is None else low, high)
    result = []
    for workload in workloads:
        scale = found.get((workload.group, workload.name)) if workload.user_of is None else None
        if scale is not None:
            given = ("runtime", "replicas") in workload.positions
            workload = replace(
                workload, autoscale=scale, replicas=workload.replicas if given else None
            )
        result.append(workload)
    return result


def _endpoint(manifest: _Manifest, skipped: list[Skipped]) -> Endpoint:
    spec = mapping(manifest.root.get("spec"))
    selector = _labels(spec.get("selector") if spec else None)
    external = text(spec.get("externalName")) if spec else None
    return Endpoint(manifest.name, manifest.namespace, selector, external)


def _labels(node: Node | None) -> tuple[tuple[str, str], ...]:
    labels = mapping(node)
    if labels is None:
        return ()
    pairs = ((key.text, text(value)) for key, value in labels.entries)
    return tuple(sorted((key, value) for key, value in pairs if value is not None))


def _workloads(
    manifest: _Manifest,
    config_maps: dict[tuple[str, str], Mapping | None],
    skipped: list[Skipped],
) -> list[Workload]:
    kind = WORKLOADS[manifest.kind]
    spec = mapping(manifest.root.get("spec"))
    template = (
        dig(spec, "jobTemplate", "spec", "template") if kind == "cronjob" else dig(spec, "template")
    )
    pod = mapping(dig(template, "spec"))
    containers = [
        c for c in items(pod.get("containers") if pod else None) if isinstance(c, Mapping)
    ]
    doc = manifest.doc
    name_node = dig(manifest.root, "metadata", "name")
    at = doc.at(name_node.pos if name_node else manifest.root.pos)
    image_node = containers[0].get("image") if containers else None
    replicas_node = spec.get("replicas") if spec else None
    schedule_node = spec.get("schedule") if spec and kind == "cronjob" else None
    replicas = integer(replicas_node)
    if replicas is None and replicas_node is None and kind in _DEFAULT_REPLICAS:
        replicas = 1
    references: list[Reference] = []
    inits = [c for c in items(pod.get("initContainers") if pod else None) if isinstance(c, Mapping)]
    for container in (*containers, *inits):
        references.extend(_references(doc, container, manifest.namespace, config_maps, skipped))
    main = Workload(
        name=manifest.name,
        group=manifest.namespace,
        at=at,
        origin=f"{manifest.kind} {manifest.name}"
        + ("" if manifest.namespace == "default" else f" in namespace {manifest.namespace}"),
        workload=kind,
        image=text(image_node),
        replicas=replicas,
        schedule=text(schedule_node),
        labels=_labels(dig(template, "metadata", "labels")),
        references=tuple(references),
        positions=_positions(doc, image_node, replicas_node, schedule_node),
    )
    found = [main]
    if engine_of(main.image) is None:
        for container in containers[1:]:
            sidecar = _sidecar(manifest, main, container)
            if sidecar is not None:
                found.append(sidecar)
    return found


def _positions(
    doc: Document, image: Node | None, replicas: Node | None, schedule: Node | None
) -> dict[Path_, Location]:
    fields = (("image", image), ("replicas", replicas), ("schedule", schedule))
    return {("runtime", key): doc.at(node.pos) for key, node in fields if node is not None}


def _sidecar(manifest: _Manifest, main: Workload, container: Mapping) -> Workload | None:
    image_node = container.get("image")
    image = text(image_node)
    container_name = text(container.get("name")) or "sidecar"
    if engine_of(image) is None or image_node is None:
        return None
    at = manifest.doc.at(image_node.pos)
    name = f"{manifest.name}-{slug(container_name)}"
    return Workload(
        name=name,
        group=main.group,
        at=at,
        origin=f"container {container_name} of {main.origin}",
        workload=None,
        image=image,
        replicas=None,
        schedule=None,
        labels=(),
        references=(),
        positions={("runtime", "image"): at},
        user_of=main.name,
    )


def _references(
    doc: Document,
    container: Mapping,
    namespace: str,
    config_maps: dict[tuple[str, str], Mapping | None],
    skipped: list[Skipped],
) -> list[Reference]:
    found: list[Reference] = []
    for item in items(container.get("env")):
        name, value = text(dig(item, "name")), dig(item, "value")
        if name and text(value) is not None and value is not None:
            found.append(Reference(name, str(text(value)), f"env {name}", doc.at(value.pos)))
    for item in items(container.get("envFrom")):
        ref = dig(item, "configMapRef", "name")
        map_name = text(ref)
        if map_name is None or ref is None:
            continue
        data = config_maps.get((namespace, map_name))
        if data is None:
            skipped.append(
                Skipped(
                    f"envFrom ConfigMap {map_name}",
                    "no such ConfigMap in the input",
                    doc.at(ref.pos),
                )
            )
            continue
        for key, value in data.entries:
            if text(value) is not None:
                # The relation points at the envFrom line: that is what a reader edits.
                found.append(
                    Reference(
                        key.text,
                        str(text(value)),
                        f"ConfigMap {map_name} {key.text}",
                        doc.at(ref.pos),
                    )
                )
    return found
