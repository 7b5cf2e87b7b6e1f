"""The architecture format, version 1: one typed model per element kind.

These models are the single source of the format: they validate the YAML,
produce the JSON Schema that editors use, and are the immutable elements
the rest of the pipeline reads.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Verb = Literal["calls", "reads", "writes", "publishes", "subscribes", "submits", "queries"]
Classification = Literal["public", "internal", "confidential", "restricted"]
ServiceRole = Literal["api", "worker", "model", "scraper", "pipeline", "ui", "gateway"]
Platform = Literal["kubernetes", "docker", "serverless", "vm"]
Workload = Literal["deployment", "statefulset", "daemonset", "job", "cronjob"]
VendorMode = Literal["sync", "long-running", "batch", "stream"]
LakeEngine = Literal["s3", "gcs", "adls", "hdfs", "delta", "iceberg"]
LedgerPlatform = Literal["fabric", "besu", "quorum", "ethereum", "corda"]
Consensus = Literal["raft", "pbft", "ibft", "qbft", "poa", "pos", "pow"]
NodeRole = Literal["peer", "orderer", "validator", "bootnode", "rpc", "observer"]
# What a subscription to a ledger receives: its blocks, or the events its
# chaincode (smart contracts) emit.
LedgerEvents = Literal["block", "chaincode"]

VERBS: tuple[Verb, ...] = get_args(Verb)
CLASSIFICATIONS: tuple[Classification, ...] = get_args(Classification)
ID_PATTERN = r"^[a-z][a-z0-9-]*$"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Link(Strict):
    title: Text
    url: Text = Field(description="http(s), mailto or a relative URL")


class Relation(Strict):
    to: Id = Field(description="id of the element used")
    verb: Verb | None = Field(None, alias="as", description="how the target is used")
    description: str | None = Field(None, description="short label")
    protocol: str | None = Field(None, description="https, grpc, kafka, s3, ...")
    is_async: bool = Field(False, alias="async", description="fire-and-forget or long-running")
    data: Classification | None = Field(None, description="classification of the data carried")
    dataset: Id | None = Field(None, description="with a datalake target: the dataset")
    channel: Id | None = Field(None, description="with a ledger target: the channel")
    organization: Id | None = Field(
        None, description="with a ledger target: the organization whose identity signs"
    )
    events: LedgerEvents | None = Field(
        None, description="with subscribes to a ledger: block or chaincode events"
    )


class Autoscale(Strict):
    min: int = Field(ge=0)
    max: int = Field(ge=1)


class Runtime(Strict):
    platform: Platform | None = None
    workload: Workload | None = None
    image: str | None = None
    replicas: int | None = Field(None, ge=0)
    autoscale: Autoscale | None = None
    schedule: str | None = Field(None, description="cron expression, for a cronjob only")


class Dataset(Strict):
    id: Id
    zone: str | None = Field(None, description="raw, curated, ...")
    format: str | None = Field(None, description="parquet, json, avro, ...")
    classification: Classification | None = None
    retention: str | None = Field(None, description="e.g. 90d, 7y")


class Organization(Strict):
    id: Id
    name: str | None = None


class Channel(Strict):
    id: Id
    members: tuple[Id, ...] = Field((), description="organization ids")


class Deployment(Strict):
    """Where an element runs in one environment (format 1.1)."""

    environment: Id = Field(description="id of an environment")
    cluster: Id | None = Field(None, description="id of a cluster of that environment")
    namespace: str | None = Field(None, description="e.g. a Kubernetes namespace")
    replicas: int | None = Field(
        None, ge=0, description="replicas in this environment; default: runtime.replicas"
    )


class Cluster(Strict):
    id: Id = Field(description="unique within the environment")
    name: str | None = None
    provider: str | None = Field(None, description="aws, gcp, azure, on-prem or free text")
    region: str | None = Field(None, description="e.g. eu-west-1, europe-west3")
    account: str | None = Field(None, description="the cloud account, project or subscription")
    platform: Platform | None = None


class Residency(Strict):
    classification: Classification
    regions: tuple[Text, ...] = Field(
        min_length=1, description="the regions data of this classification may reach"
    )


# Where an element runs, per environment; the regions a provider's service or
# a managed store runs or keeps data in (format 1.1).
Deployments = Annotated[tuple[Deployment, ...], Field(description="where it runs, per environment")]
Regions = Annotated[tuple[Text, ...], Field(description="the regions it runs in or keeps data in")]


class Acceptance(Strict):
    rule: Text = Field(description="id of a warning rule")
    reason: Text = Field(description="why the warning is intended")


class Element(Strict):
    """Fields every element has."""

    kind: str  # each kind's model narrows it to its one value
    id: Id = Field(description="unique across the architecture: ^[a-z][a-z0-9-]*$")
    name: str | None = Field(None, description="display name, defaults to the id")
    description: str | None = Field(None, description="Markdown")
    owner: Id | None = Field(None, description="id of a team")
    tags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    icon: str | None = Field(None, description="an image file inside the architecture directory")
    uses: tuple[Relation, ...] = ()
    accept: tuple[Acceptance, ...] = Field(
        (), description="warnings intended for this element, each with its reason"
    )

    @property
    def title(self) -> str:
        return self.name or self.id


class Grouped(Element):
    """An element that may belong to a system."""

    system: Id | None = Field(None, description="id of a system")


class System(Element):
    kind: Literal["system"]
    domain: str | None = None


class Team(Element):
    kind: Literal["team"]
    contact: str | None = None


class Actor(Element):
    kind: Literal["actor"]


class Service(Grouped):
    kind: Literal["service"]
    role: ServiceRole | None = None
    runtime: Runtime | None = None
    deployments: Deployments = ()


class Vendor(Grouped):
    kind: Literal["vendor"]
    provider: str | None = Field(None, description="gcp, aws, azure, tableau or free text")
    product: str | None = None
    mode: VendorMode | None = None
    latency: str | None = Field(None, description="e.g. p95 2s")
    approved_data: Classification | None = Field(
        None, alias="approved-data", description="the highest classification it may receive"
    )
    regions: Regions = ()


class Datastore(Grouped):
    kind: Literal["datastore"]
    engine: str | None = Field(None, description="postgres, redis, kafka, ... or free text")
    runtime: Runtime | None = None
    regions: Regions = ()
    deployments: Deployments = ()


class Datalake(Grouped):
    kind: Literal["datalake"]
    engine: LakeEngine | None = None
    datasets: tuple[Dataset, ...] = ()
    regions: Regions = ()
    deployments: Deployments = ()


class NodeDefaults(Strict):
    """Fields each ledger-node of a ledger takes unless it sets them itself."""

    organization: Id | None = Field(None, description="an organization of the ledger")
    operator: Id | None = Field(None, description="the organization that runs the nodes")
    role: NodeRole | None = None
    runtime: Runtime | None = Field(None, description="merged field by field with a node's own")
    channels: tuple[Id, ...] | None = Field(None, description="channels of the ledger")
    owner: Id | None = Field(None, description="id of a team")
    system: Id | None = Field(None, description="id of a system")
    tags: tuple[str, ...] | None = None


class Ledger(Grouped):
    kind: Literal["ledger"]
    platform: LedgerPlatform | None = None
    consensus: Consensus | None = None
    organizations: tuple[Organization, ...] = ()
    channels: tuple[Channel, ...] = ()
    node_defaults: NodeDefaults | None = Field(
        None,
        alias="node-defaults",
        description="fields that each of its ledger-nodes takes unless it sets them",
    )


class LedgerNode(Grouped):
    kind: Literal["ledger-node"]
    ledger: Id = Field(description="id of the ledger this node belongs to")
    organization: Id | None = Field(None, description="an organization of that ledger")
    operator: Id | None = Field(
        None, description="the organization of that ledger that runs the node"
    )
    role: NodeRole | None = None
    runtime: Runtime | None = None
    endpoint: str | None = None
    deployments: Deployments = ()
    channels: tuple[Id, ...] | None = Field(
        None,
        description="the channels of the ledger it joins; without it, those its "
        "organization is a member of (all channels, for an ordering node)",
    )


class Environment(Element):
    """Where things run: production, staging (format 1.1)."""

    kind: Literal["environment"]
    clusters: tuple[Cluster, ...] = ()
    residency: tuple[Residency, ...] = Field(
        (), description="the regions each classification of data may reach"
    )


def relation_key(relation: Relation) -> tuple[str, ...]:
    """What tells two relations of one element apart: the same target may be
    read for several datasets, or a ledger used on several channels."""
    qualifiers = (relation.dataset, relation.channel, relation.organization, relation.events)
    return (relation.to, relation.verb or "uses", *(q for q in qualifiers if q))


# The model that validates the mapping found under each nested field name,
# so that messages can name it and suggest its fields.
NESTED: dict[str, tuple[type[BaseModel], str]] = {
    "runtime": (Runtime, "runtime"),
    "autoscale": (Autoscale, "autoscale"),
    "uses": (Relation, "a relation (uses item)"),
    "links": (Link, "a link"),
    "datasets": (Dataset, "a dataset"),
    "organizations": (Organization, "an organization"),
    "channels": (Channel, "a channel"),
    "accept": (Acceptance, "an accepted warning"),
    "deployments": (Deployment, "a deployment"),
    "clusters": (Cluster, "a cluster"),
    "residency": (Residency, "a residency rule"),
    "node-defaults": (NodeDefaults, "node-defaults"),
}


def field_names(model: type[BaseModel]) -> list[str]:
    """The names a YAML author writes: aliases where a field has one."""
    return [info.alias or name for name, info in model.model_fields.items()]
