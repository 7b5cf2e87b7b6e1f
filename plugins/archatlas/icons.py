"""Which of the `diagrams` library's icons draws an element.

Icons are named by their path inside the library's resource folder, so
views stay plain data and nothing names a path of the build machine.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from .format import Element
from .kinds import KIND_SPECS

WORKLOAD_ICONS = {
    "deployment": "k8s/compute/deploy.png",
    "statefulset": "k8s/compute/sts.png",
    "daemonset": "k8s/compute/ds.png",
    "job": "k8s/compute/job.png",
    "cronjob": "k8s/compute/cronjob.png",
}
PLATFORM_ICONS = {
    "docker": "onprem/container/docker.png",
    "serverless": "aws/compute/lambda.png",
    "vm": "onprem/compute/server.png",
}
ROLE_ICONS = {"model": "onprem/mlops/mlflow.png", "gateway": "onprem/network/kong.png"}
ENGINE_ICONS = {
    "postgres": "onprem/database/postgresql.png",
    "mysql": "onprem/database/mysql.png",
    "mongodb": "onprem/database/mongodb.png",
    "redis": "onprem/inmemory/redis.png",
    "memcached": "onprem/inmemory/memcached.png",
    "kafka": "onprem/queue/kafka.png",
    "rabbitmq": "onprem/queue/rabbitmq.png",
    "s3": "aws/storage/simple-storage-service-s3.png",
    "gcs": "gcp/storage/storage.png",
    "adls": "azure/storage/data-lake-storage.png",
    "hdfs": "onprem/analytics/hadoop.png",
    "delta": "onprem/analytics/databricks.png",
    "iceberg": "generic/storage/storage.png",
}
PROVIDER_ICONS = {
    "gcp": "gcp/gcp.png",
    "aws": "aws/general/general.png",
    "azure": "azure/general/subscriptions.png",
    "tableau": "onprem/analytics/tableau.png",
}
PRODUCT_ICONS = {
    ("gcp", "speech"): "gcp/ml/speech-to-text.png",
    ("aws", "transcribe"): "aws/ml/transcribe.png",
}
LEDGER_ICONS = {"fabric": "ibm/blockchain/hyperledger-fabric.png"}
NODE_ROLE_ICONS = {"orderer": "ibm/blockchain/consensus.png", "peer": "ibm/blockchain/node.png"}


@functools.lru_cache(maxsize=1)
def resource_root() -> Path:
    """The folder of the `diagrams` library's icon PNGs."""
    import diagrams

    return Path(diagrams.__file__).resolve().parent.parent / "resources"


CUSTOM_FOLDER = "custom"
MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}


def custom_icon_key(path: Path) -> str:
    """An element's own icon, named by its content: no path of the machine shows."""
    digest = hashlib.sha1(path.read_bytes()).hexdigest()[:16]
    suffix = path.suffix.lower()
    return f"{CUSTOM_FOLDER}/{digest}{suffix if suffix in MEDIA_TYPES else '.png'}"


def icon_for_kind(kind: str) -> str:
    return KIND_SPECS[kind].icon


def icon_for(element: Element) -> str:
    """The icon that says most about the element: product, engine, runtime, kind."""
    vendor = _vendor_icon(element) if element.kind == "vendor" else None
    engine = getattr(element, "engine", None)
    runtime = getattr(element, "runtime", None)
    role = getattr(element, "role", None)
    choices = [
        vendor,
        ENGINE_ICONS.get(engine) if isinstance(engine, str) else None,
        LEDGER_ICONS.get(getattr(element, "platform", None) or "")
        if element.kind == "ledger"
        else None,
        NODE_ROLE_ICONS.get(role or "") if element.kind == "ledger-node" else None,
        ROLE_ICONS.get(role or "") if element.kind == "service" else None,
        _runtime_icon(runtime) if runtime is not None else None,
    ]
    return next((choice for choice in choices if choice), icon_for_kind(element.kind))


def _vendor_icon(element: Element) -> str | None:
    provider = (getattr(element, "provider", None) or "").lower()
    product = (getattr(element, "product", None) or "").lower()
    for (name, word), icon in PRODUCT_ICONS.items():
        if provider == name and word in product:
            return icon
    return PROVIDER_ICONS.get(provider)


def _runtime_icon(runtime: object) -> str | None:
    platform = getattr(runtime, "platform", None)
    workload = getattr(runtime, "workload", None)
    if platform in PLATFORM_ICONS:
        return PLATFORM_ICONS[platform]
    return WORKLOAD_ICONS.get(workload or "")
