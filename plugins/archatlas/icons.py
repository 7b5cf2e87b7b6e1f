"""Which icon draws an element, and where its file is.

Icons tell the truth: a product's logo (from the `diagrams` library) only
where the element declares that product, by a vendor's `provider` and
`product`, a datastore's or data lake's `engine`, or a service's
`runtime.image`; otherwise archatlas' own vector icon for the element's
role or kind (assets/icons/, Material Design Icons). An element's own
`icon` file comes before both (see `views`).

Icons are named by a key, never by a path of the machine, so views stay
plain data: `archatlas/<file>` for our own icons, a path inside the
`diagrams` library's resource folder for a logo, `custom/<digest>` for an
element's own file. `icon_file` finds the file of a key.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

from .format import Element
from .kinds import KIND_SPECS

OWN_PREFIX = "archatlas/"


def own(name: str) -> str:
    """The key of one of archatlas' own icons: own("role-api") = "archatlas/role-api.svg"."""
    return f"{OWN_PREFIX}{name}.svg"


ROLE_ICONS = {
    role: own(f"role-{role}")
    for role in ("api", "worker", "model", "scraper", "pipeline", "ui", "gateway")
}
NODE_ROLE_ICONS = {
    role: own(f"node-{role}")
    for role in ("peer", "orderer", "validator", "bootnode", "rpc", "observer")
}
# A service without a role that runs to completion, once or on a schedule.
WORKLOAD_ICONS = {"cronjob": own("workload-cronjob"), "job": own("workload-job")}

# Product logos, all from `diagrams`' resources, all at least 256 px wide
# (a card draws them at about 24 pt). Left out because they do not read at
# that size on a white card: MLflow (white lettering), Tableau, Caddy,
# Superset, Oracle and SQL Server (wide word marks), Hyperledger Fabric (a
# blurred grey bitmap); no ledger platform has a crisp logo there.
ENGINE_ICONS = {
    "postgres": "onprem/database/postgresql.png",
    "postgresql": "onprem/database/postgresql.png",
    "mysql": "onprem/database/mysql.png",
    "mariadb": "onprem/database/mariadb.png",
    "mongodb": "onprem/database/mongodb.png",
    "mongo": "onprem/database/mongodb.png",
    "cassandra": "onprem/database/cassandra.png",
    "clickhouse": "onprem/database/clickhouse.png",
    "cockroachdb": "onprem/database/cockroachdb.png",
    "influxdb": "onprem/database/influxdb.png",
    "neo4j": "onprem/database/neo4j.png",
    "elasticsearch": "elastic/elasticsearch/elasticsearch.png",
    "redis": "onprem/inmemory/redis.png",
    "memcached": "onprem/inmemory/memcached.png",
    "kafka": "onprem/queue/kafka.png",
    "rabbitmq": "onprem/queue/rabbitmq.png",
    "nats": "onprem/queue/nats.png",
    "s3": "aws/storage/simple-storage-service-s3.png",
    "gcs": "gcp/storage/storage.png",
    "adls": "azure/storage/data-lake-storage.png",
    "hdfs": "onprem/analytics/hadoop.png",
}
# Products a container image names (a word of its repository's last segment:
# envoyproxy/envoy, ingress-nginx, bitnami/airflow), besides the engines.
IMAGE_ICONS = {
    **ENGINE_ICONS,
    "envoy": "onprem/network/envoy.png",
    "kong": "onprem/network/kong.png",
    "nginx": "onprem/network/nginx.png",
    "traefik": "onprem/network/traefik.png",
    "haproxy": "onprem/network/haproxy.png",
    "tyk": "onprem/network/tyk.png",
    "airflow": "onprem/workflow/airflow.png",
    "kubeflow": "onprem/workflow/kubeflow.png",
    "nifi": "onprem/workflow/nifi.png",
    "spark": "onprem/analytics/spark.png",
    "flink": "onprem/analytics/flink.png",
    "trino": "onprem/analytics/trino.png",
    "celery": "onprem/queue/celery.png",
}
PROVIDER_ICONS = {"gcp": "gcp/gcp.png", "aws": "aws/aws.png", "azure": "azure/azure.png"}
# (provider, words of the product): the first match wins, so the longer first.
PRODUCT_ICONS = {
    ("gcp", "text to speech"): "gcp/ml/text-to-speech.png",
    ("gcp", "speech"): "gcp/ml/speech-to-text.png",
    ("gcp", "translation"): "gcp/ml/translation-api.png",
    ("gcp", "vision"): "gcp/ml/vision-api.png",
    ("gcp", "natural language"): "gcp/ml/natural-language-api.png",
    ("gcp", "vertex"): "gcp/ml/vertex-ai.png",
    ("gcp", "bigquery"): "gcp/analytics/bigquery.png",
    ("gcp", "pub sub"): "gcp/analytics/pubsub.png",
    ("gcp", "pubsub"): "gcp/analytics/pubsub.png",
    ("gcp", "storage"): "gcp/storage/storage.png",
    ("aws", "transcribe"): "aws/ml/transcribe.png",
    ("aws", "comprehend"): "aws/ml/comprehend.png",
    ("aws", "textract"): "aws/ml/textract.png",
    ("aws", "translate"): "aws/ml/translate.png",
    ("aws", "rekognition"): "aws/ml/rekognition.png",
    ("aws", "polly"): "aws/ml/polly.png",
    ("aws", "sagemaker"): "aws/ml/sagemaker.png",
    ("aws", "bedrock"): "aws/ml/bedrock.png",
    ("aws", "s3"): "aws/storage/simple-storage-service-s3.png",
    ("azure", "speech"): "azure/ml/azure-speech-service.png",
    ("azure", "openai"): "azure/ml/azure-open-ai.png",
    ("azure", "cognitive"): "azure/ml/cognitive-services.png",
}


@functools.lru_cache(maxsize=1)
def resource_root() -> Path:
    """The folder of the `diagrams` library's icon PNGs."""
    import diagrams

    return Path(diagrams.__file__).resolve().parent.parent / "resources"


@functools.lru_cache(maxsize=1)
def own_root() -> Path:
    """The folder of archatlas' own icons."""
    return Path(__file__).resolve().parent / "assets" / "icons"


def icon_file(key: str, output: str = "svg") -> Path:
    """The file of an icon key (not a custom icon's: the view knows those).

    For a PNG drawing (`output` "png") an own icon is its PNG rendering:
    Graphviz cannot rasterise an SVG image.
    """
    if key.startswith(OWN_PREFIX):
        path = own_root() / key.removeprefix(OWN_PREFIX)
        return path.with_suffix(".png") if output == "png" else path
    return resource_root() / key


def png_source(source: str) -> str:
    """DOT source for a PNG drawing: our own SVG icons swapped for their PNG
    renderings, which Graphviz can rasterise (the card's cell keeps the size,
    so the layout is the SVG drawing's)."""
    folder = re.escape(f"{own_root()}/")
    return re.sub(rf'"({folder}[\w.-]+)\.svg"', r'"\1.png"', source)


def icon_folders() -> dict[Path, str]:
    """Each folder icon files come from -> the key prefix its files have."""
    return {own_root(): OWN_PREFIX, resource_root(): ""}


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
    """The declared product's logo, else the icon of the element's role, else its kind's."""
    kind = element.kind
    role = getattr(element, "role", None) or ""
    runtime = getattr(element, "runtime", None)
    image = getattr(runtime, "image", None)
    workload = getattr(runtime, "workload", None) or ""
    if kind == "vendor":
        choice = _vendor_icon(element)
    elif kind in ("datastore", "datalake"):
        choice = _engine_icon(getattr(element, "engine", None)) or image_icon(image)
    elif kind == "service":
        choice = image_icon(image) or ROLE_ICONS.get(role) or WORKLOAD_ICONS.get(workload)
    elif kind == "ledger-node":
        choice = NODE_ROLE_ICONS.get(role)
    else:
        choice = None
    return choice or icon_for_kind(kind)


def _engine_icon(engine: object) -> str | None:
    return ENGINE_ICONS.get(engine.strip().lower()) if isinstance(engine, str) else None


def _words(text: str) -> str:
    """Lower-case words, one space between and around: ' speech to text '."""
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower())) + " "


def image_icon(image: object) -> str | None:
    """The logo of the product a container image names, if `diagrams` has one.

    Only the repository's last segment counts, without tag or digest:
    registry.example.com/platform/envoy-gateway:1.29 names Envoy;
    registry.example.com/nginx-team/orders:1.0 names nothing.
    """
    if not isinstance(image, str):
        return None
    name = image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0]
    words = _words(name.replace("_", " "))
    return next((icon for product, icon in IMAGE_ICONS.items() if f" {product} " in words), None)


def _vendor_icon(element: Element) -> str | None:
    provider = (getattr(element, "provider", None) or "").strip().lower()
    product = _words(getattr(element, "product", None) or "")
    for (name, words), icon in PRODUCT_ICONS.items():
        if provider == name and f" {words} " in product:
            return icon
    return PROVIDER_ICONS.get(provider)
