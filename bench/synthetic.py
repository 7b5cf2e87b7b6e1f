"""Synthetic architectures for benchmarks: realistic, valid and deterministic.

`write_architecture(root, elements, seed)` writes about `elements` elements
under `root`: one folder per system (about 20 elements each: services with
runtimes and 2-4 relations, datastores, a data lake with datasets, a vendor
and, in every fourth system, a Fabric ledger with three organizations, two
channels, three orderers and three peers), plus a folder of teams and one
of actors. Files hold several documents each, as real architectures do.
Every relation is valid, so `archatlas check` reports no error (and no
warning) on the result. The same seed gives the same bytes.

`systems=N` sets the number of systems (their size follows), and
`vendors=N` writes N vendors instead of one per system: spread over the
systems, from several providers (gcp, aws, azure, tableau and others named
in free text), each used by services of its own system and of the systems
written after it. Without them the output is as it always was.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]

SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schema/archatlas.schema.json\n"
SYSTEM_SIZE = 20
# The environments every synthetic architecture has, with the regions of their clusters.
ENVIRONMENTS = {"production": ("eu-west-1", "eu-central-1"), "staging": ("eu-west-1",)}
SERVICES_PER_FILE = 5
CLASSIFICATIONS = ("public", "internal", "confidential", "restricted")

DOMAINS = (
    "payments", "pricing", "risk", "onboarding", "ledger", "reporting", "search", "billing",
    "identity", "fraud", "treasury", "marketing", "insight", "compliance", "trading", "custody",
)  # fmt: skip
NOUNS = (
    "quote", "order", "account", "signal", "position", "invoice", "customer", "document",
    "trade", "alert", "price", "limit", "report", "entity", "event", "score",
)  # fmt: skip
ROLES = ("api", "worker", "model", "scraper", "pipeline", "ui")
STORE_ENGINES = ("postgres", "redis", "kafka", "mongodb", "mysql", "rabbitmq", "memcached")
MESSAGE_ENGINES = frozenset({"kafka", "rabbitmq"})
LAKE_ENGINES = ("s3", "gcs", "adls", "delta", "iceberg")
VENDORS = (
    ("gcp", "Speech-to-Text", "long-running"),
    ("aws", "Comprehend", "sync"),
    ("azure", "AI Translator", "sync"),
    ("tableau", "Tableau Cloud", "batch"),
    ("gcp", "Pub/Sub", "stream"),
    ("aws", "Textract", "long-running"),
)
# With `vendors=`: more products, and providers archatlas knows only as free text.
VENDOR_CATALOGUE = (
    *VENDORS,
    ("gcp", "Vertex AI", "sync"),
    ("aws", "SageMaker", "long-running"),
    ("azure", "Cognitive Search", "sync"),
    ("stripe", "Payments API", "sync"),
    ("twilio", "Messaging", "sync"),
    ("snowflake", "Data Cloud", "batch"),
    ("refinitiv", "Market Data Feed", "stream"),
    ("salesforce", "Sales Cloud", "sync"),
    ("azure", "Event Hubs", "stream"),
    ("tableau", "Tableau Server", "batch"),
)
SHARED_VENDORS = 2  # with `vendors=`, a system's services may also call this many earlier vendors
SENTENCES = (
    "Serves {noun} data to the rest of the {domain} domain.",
    "Owned by the {domain} team; paged through the on-call rota.",
    "Keeps {noun} history for audit and replays.",
    "Scales with market hours and idles overnight.",
    "Publishes changes as events so that consumers stay decoupled.",
    "Reads reference data once a day and caches it in memory.",
)


@dataclass
class Written:
    """What `write_architecture` wrote."""

    root: Path
    elements: int = 0
    files: int = 0
    kinds: dict[str, int] = field(default_factory=dict)


@dataclass
class _Target:
    id: str
    kind: str
    verbs: tuple[str, ...]
    extra: Callable[[random.Random], dict[str, Any]] = lambda rng: {}


class _Dumper(_BaseDumper):  # type: ignore[misc, valid-type]
    """Multi-line text as block scalars, like hand-written files."""


def _represent_str(dumper: Any, data: str) -> Any:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


def _dump(documents: list[dict[str, Any]]) -> str:
    body = yaml.dump_all(documents, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return SCHEMA_COMMENT + body


def _description(rng: random.Random, domain: str, noun: str) -> str:
    picked = rng.sample(SENTENCES, 2)
    return "\n".join(sentence.format(domain=domain, noun=noun) for sentence in picked) + "\n"


def _sizes(budget: int, systems: int) -> list[int]:
    return [budget // systems + (1 if index < budget % systems else 0) for index in range(systems)]


def write_architecture(
    root: Path,
    elements: int,
    seed: int = 0,
    systems: int | None = None,
    vendors: int | None = None,
) -> Written:
    """Write a valid synthetic architecture of `elements` elements under `root`.

    `systems`: how many systems (about 20 elements each by default);
    `vendors`: how many vendors in all (by default one per system).
    """
    if elements < 10:
        raise ValueError("a synthetic architecture needs at least 10 elements")
    rng = random.Random(seed)
    teams = max(1, elements // 50)
    actors = max(1, elements // 100)
    flows = max(1, elements // 200)
    budget = elements - teams - actors - len(ENVIRONMENTS) - flows
    if systems is None:
        systems = max(1, round(budget / SYSTEM_SIZE))
    elif not 1 <= systems <= budget // 8:
        raise ValueError(f"{elements} elements hold 1 to {budget // 8} systems, not {systems}")
    if vendors is not None and vendors < 0:
        raise ValueError(f"vendors must not be negative, not {vendors}")
    per_system = _sizes(vendors, systems) if vendors is not None else None
    shared: list[_Target] = []  # vendors of the systems written so far (with `vendors`)
    written = Written(root)
    files: dict[str, list[dict[str, Any]]] = {}

    team_ids = [f"team-{DOMAINS[index % len(DOMAINS)]}-{index}" for index in range(teams)]
    gateways: list[str] = []
    for index, size in enumerate(_sizes(budget, systems)):
        domain = DOMAINS[index % len(DOMAINS)]
        slug = f"{domain}-{index}"
        owner = team_ids[index % teams]
        gateways.append(f"{slug}-gateway")
        vendor_plan = None
        if per_system is not None:
            first = sum(per_system[:index])
            vendor_plan = _VendorPlan(per_system[index], first, shared)
        system = _system(rng, slug, domain, owner, size, index, gateways, vendor_plan)
        for name, documents in system.items():
            files[f"{slug}/{name}"] = documents

    files["teams/teams.yaml"] = [
        {
            "kind": "team",
            "id": team_id,
            "name": team_id.removeprefix("team-").replace("-", " ").title(),
            "description": f"Builds and runs the {team_id.split('-')[1]} systems.\n",
            "contact": f"{team_id}@example.com",
            "links": [{"title": "Chat", "url": f"https://chat.example.com/{team_id}"}],
        }
        for team_id in team_ids
    ]
    files["environments/environments.yaml"] = [
        {
            "kind": "environment",
            "id": env_id,
            "name": env_id.title(),
            "owner": team_ids[0],
            "clusters": [
                {"id": f"{env_id}-{region}", "provider": "aws", "region": region}
                for region in regions
            ],
        }
        for env_id, regions in ENVIRONMENTS.items()
    ]
    files["actors/actors.yaml"] = [
        {
            "kind": "actor",
            "id": f"actor-{index}",
            "name": f"{NOUNS[index % len(NOUNS)].title()} analyst {index}",
            "description": "People who use the platform's front ends every day.\n",
            "tags": ["people"],
            "uses": [
                {"to": gateway, "as": "calls", "protocol": "https", "data": "internal"}
                for gateway in sorted(rng.sample(gateways, min(len(gateways), 3)))
            ],
        }
        for index in range(actors)
    ]
    files["flows/flows.yaml"] = [
        _flow(index, files["actors/actors.yaml"][index % actors]) for index in range(flows)
    ]

    for name, documents in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_dump(documents), encoding="utf-8")
        written.files += 1
        for document in documents:
            written.elements += 1
            written.kinds[document["kind"]] = written.kinds.get(document["kind"], 0) + 1
    return written


def _flow(index: int, actor: dict[str, Any]) -> dict[str, Any]:
    """A flow along an actor's first relation: a call to a gateway and its reply."""
    gateway = actor["uses"][0]["to"]
    return {
        "kind": "flow",
        "id": f"flow-{index}",
        "name": f"Request {index}",
        "trigger": {"actor": actor["id"]},
        "steps": [
            {"from": actor["id"], "to": gateway, "as": "calls", "sends": "request"},
            {"from": gateway, "to": actor["id"], "reply": True, "sends": "answer"},
        ],
    }


def _runtime(rng: random.Random, role: str) -> dict[str, Any]:
    version = f"{rng.randint(1, 4)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"
    image = f"registry.example.com/{role}/app:{version}"
    if role in ("scraper", "pipeline"):
        minute = rng.randint(0, 59)
        return {
            "platform": "kubernetes",
            "workload": "cronjob",
            "image": image,
            "schedule": f"{minute} */{rng.choice((1, 2, 4, 6))} * * *",
        }
    platform = rng.choice(("kubernetes", "kubernetes", "kubernetes", "docker", "vm"))
    runtime: dict[str, Any] = {"platform": platform, "workload": "deployment", "image": image}
    if rng.random() < 0.4:
        low = rng.randint(2, 4)
        runtime["autoscale"] = {"min": low, "max": low + rng.randint(2, 12)}
    else:
        runtime["replicas"] = rng.randint(2, 6)
    return runtime


def _stateful(image: str, replicas: int) -> dict[str, Any]:
    return {
        "platform": "kubernetes",
        "workload": "statefulset",
        "image": image,
        "replicas": replicas,
    }


@dataclass
class _VendorPlan:
    """With `vendors=`: how many vendors a system has, and those it may share."""

    count: int
    first: int  # the position in VENDOR_CATALOGUE (modulo) of its first vendor
    shared: list[_Target]  # vendors of earlier systems; this system's are added


def _vendor(
    rng: random.Random, slug: str, common: dict[str, str], offer: tuple[str, str, str]
) -> tuple[dict[str, Any], _Target]:
    provider, product, mode = offer
    vendor_id = f"{slug}-{provider}-{product.lower().replace(' ', '-').replace('/', '-')}"
    approved = rng.choice(CLASSIFICATIONS[1:])
    ceiling = CLASSIFICATIONS.index(approved)
    document = {
        "kind": "vendor",
        "id": vendor_id,
        "name": f"{product} ({provider})",
        **common,
        "provider": provider,
        "product": product,
        "mode": mode,
        "latency": f"p95 {rng.randint(1, 9)}s",
        "approved-data": approved,
    }
    target = _Target(
        vendor_id,
        "vendor",
        ("calls",),
        lambda r: {"data": CLASSIFICATIONS[r.randint(0, ceiling)], "async": True},
    )
    return document, target


def _system(
    rng: random.Random,
    slug: str,
    domain: str,
    owner: str,
    size: int,
    index: int,
    gateways: list[str],
    vendors: _VendorPlan | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The files of one system, by file name; `size` elements in all."""
    common = {"system": slug, "owner": owner}
    files: dict[str, list[dict[str, Any]]] = {}
    targets: list[_Target] = []
    left = size - 1
    files["system.yaml"] = [
        {
            "kind": "system",
            "id": slug,
            "name": f"{domain.title()} {index}",
            "description": f"Everything that serves the {domain} domain, part {index}.\n",
            "domain": domain.title(),
            "owner": owner,
            "tags": [domain],
            "links": [{"title": "Design", "url": f"https://wiki.example.com/{slug}"}],
        }
    ]

    if index % 4 == 1 and left >= 15:
        ledger_docs, ledger_target = _ledger(rng, slug, common)
        files["ledger.yaml"] = ledger_docs
        targets.append(ledger_target)
        left -= len(ledger_docs)

    data: list[dict[str, Any]] = []
    stores = 2 if left >= 7 else 1
    for number in range(stores):
        engine = STORE_ENGINES[(index + number) % len(STORE_ENGINES)]
        store_id = f"{slug}-{engine}-{number}"
        data.append(
            {
                "kind": "datastore",
                "id": store_id,
                "name": f"{domain.title()} {engine} {number}",
                **common,
                "engine": engine,
                "runtime": _stateful(f"registry.example.com/data/{engine}:7.2", 3),
                "tags": ["data"],
            }
        )
        if engine in MESSAGE_ENGINES:
            targets.append(_Target(store_id, "datastore", ("publishes", "subscribes")))
        else:
            targets.append(_Target(store_id, "datastore", ("reads", "writes")))
    left -= stores
    if left >= 6:
        lake_id = f"{slug}-lake"
        datasets = [
            {
                "id": f"{noun}-{zone}",
                "zone": zone,
                "format": rng.choice(("parquet", "json", "avro")),
                # One classification for all: services read and write datasets
                # at random, and reading data more sensitive than a dataset one
                # writes is a declassification (declassified-data). Confidential
                # is also what the ledger's queries carry.
                "classification": "confidential",
                "retention": rng.choice(("90d", "1y", "7y")),
            }
            for noun in rng.sample(NOUNS, 2)
            for zone in ("raw", "curated")
        ]
        data.append(
            {
                "kind": "datalake",
                "id": lake_id,
                "name": f"{domain.title()} lake",
                "description": "Raw landings and curated tables.\n",
                **common,
                "engine": rng.choice(LAKE_ENGINES),
                "datasets": datasets,
            }
        )
        names = [dataset["id"] for dataset in datasets]
        targets.append(
            _Target(
                lake_id, "datalake", ("reads", "writes"), lambda r: {"dataset": r.choice(names)}
            )
        )
        left -= 1
    files["data.yaml"] = data

    remote_vendors: list[_Target] = []
    if vendors is None:
        if left >= 5:
            document, target = _vendor(rng, slug, common, VENDORS[index % len(VENDORS)])
            files["vendors.yaml"] = [document]
            targets.append(target)
            left -= 1
    else:
        remote_vendors = vendors.shared[-SHARED_VENDORS:]
        documents = []
        for number in range(vendors.count):
            if left < 5:
                break
            offer = VENDOR_CATALOGUE[(vendors.first + number) % len(VENDOR_CATALOGUE)]
            document, target = _vendor(rng, slug, common, offer)
            documents.append(document)
            targets.append(target)
            vendors.shared.append(target)
            left -= 1
        files["vendors.yaml"] = documents

    services = _services(rng, slug, domain, common, max(left, 1), targets, gateways, remote_vendors)
    for start in range(0, len(services), SERVICES_PER_FILE):
        files[f"services-{start // SERVICES_PER_FILE + 1}.yaml"] = services[
            start : start + SERVICES_PER_FILE
        ]
    return {name: documents for name, documents in files.items() if documents}


def _services(
    rng: random.Random,
    slug: str,
    domain: str,
    common: dict[str, str],
    count: int,
    targets: list[_Target],
    gateways: list[str],
    remote_vendors: list[_Target] | None = None,
) -> list[dict[str, Any]]:
    ids = [f"{slug}-gateway"] + [
        f"{slug}-{NOUNS[(number * 7) % len(NOUNS)]}-{ROLES[number % len(ROLES)]}-{number}"
        for number in range(1, count)
    ]
    roles = ["gateway"] + [ROLES[number % len(ROLES)] for number in range(1, count)]
    relations: list[list[dict[str, Any]]] = [[] for _ in ids]

    def add(owner: int, target: _Target) -> None:
        relation: dict[str, Any] = {
            "to": target.id,
            "as": rng.choice(target.verbs),
            "description": f"{target.kind} access",
            "protocol": {"datastore": "tcp", "datalake": "s3", "ledger": "grpcs"}.get(
                target.kind, rng.choice(("https", "grpc"))
            ),
        }
        relation.update(target.extra(rng))
        if all(
            (existing["to"], existing["as"]) != (relation["to"], relation["as"])
            for existing in relations[owner]
        ):
            relations[owner].append(relation)

    # Every data store, lake, vendor and ledger gets a user: no orphans.
    for number, target in enumerate(targets):
        add(number % len(ids), target)
    others = [_Target(other, "service", ("calls",)) for other in ids[1:]]
    remote = [_Target(gateway, "service", ("calls",)) for gateway in gateways if gateway != ids[0]]
    for number, service_id in enumerate(ids):
        wanted = rng.randint(2, 4)
        pool = [t for t in [*targets, *others] if t.id != service_id] + remote[-3:]
        pool += remote_vendors or []
        while len(relations[number]) < wanted and pool:
            add(number, pool.pop(rng.randrange(len(pool))))

    documents = []
    for number, service_id in enumerate(ids):
        noun = service_id.split("-")[2] if number else "edge"
        role = roles[number]
        document: dict[str, Any] = {
            "kind": "service",
            "id": service_id,
            "name": f"{noun.title()} {role} {number}",
            "description": _description(rng, domain, noun),
            **common,
            "role": role,
            "runtime": _runtime(rng, role),
            "tags": sorted({domain, role}),
        }
        if rng.random() < 0.5:
            document["links"] = [
                {"title": "Runbook", "url": f"https://runbooks.example.com/{service_id}"},
                {"title": "Repository", "url": f"https://git.example.com/{slug}/{service_id}"},
            ]
        document["uses"] = relations[number]
        documents.append(document)
    return documents


def _ledger(
    rng: random.Random, slug: str, common: dict[str, str]
) -> tuple[list[dict[str, Any]], _Target]:
    ledger_id = f"{slug}-fabric"
    organizations = ["bank", "broker", "custodian"]
    channels = {"trades": organizations, "settlement": ["bank", "custodian"]}
    documents: list[dict[str, Any]] = [
        {
            "kind": "ledger",
            "id": ledger_id,
            "name": f"{slug} Fabric network",
            "description": "Fabric network with a three-node Raft ordering service.\n",
            **common,
            "platform": "fabric",
            "consensus": "raft",
            "organizations": [
                {"id": org, "name": f"Example {org.title()}"} for org in organizations
            ],
            "channels": [
                {"id": channel, "members": members} for channel, members in channels.items()
            ],
        }
    ]
    for role, port in (("orderer", 7050), ("peer", 7051)):
        for position, org in enumerate(organizations):
            node_id = f"{slug}-{role}-{org}"
            next_org = organizations[(position + 1) % len(organizations)]
            target = f"{slug}-orderer-{next_org if role == 'orderer' else org}"
            documents.append(
                {
                    "kind": "ledger-node",
                    "id": node_id,
                    "name": f"{role.title()} ({org})",
                    **common,
                    "ledger": ledger_id,
                    "organization": org,
                    "role": role,
                    "runtime": _stateful(f"registry.example.com/ledger/fabric-{role}:2.5.9", 1),
                    "endpoint": f"grpcs://{role}0.{org}.{slug}.example:{port}",
                    "uses": [
                        {
                            "to": target,
                            "as": "calls",
                            "protocol": "grpcs",
                            "data": "restricted",
                        }
                    ],
                }
            )

    def signing(r: random.Random) -> dict[str, Any]:
        channel = r.choice(sorted(channels))
        return {
            "channel": channel,
            "organization": r.choice(channels[channel]),
            "data": "confidential",
        }

    return documents, _Target(ledger_id, "ledger", ("submits", "queries"), signing)
