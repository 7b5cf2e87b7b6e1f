"""Well-known container images: which ones run a datastore, and its engine."""

from __future__ import annotations

# The image's repository name (last path part, before the tag) -> engine.
# Several names per engine: official images, Bitnami's, and close forks.
ENGINES: dict[str, str] = {
    "postgres": "postgres",
    "postgresql": "postgres",
    "postgis": "postgres",
    "timescaledb": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "percona-server": "mysql",
    "mongo": "mongodb",
    "mongodb": "mongodb",
    "documentdb-local": "mongodb",
    "redis": "redis",
    "redis-stack-server": "redis",
    "valkey": "redis",
    "keydb": "redis",
    "memcached": "memcached",
    "kafka": "kafka",
    "cp-kafka": "kafka",
    "redpanda": "kafka",
    "rabbitmq": "rabbitmq",
    "couchdb": "couchdb",
    "cassandra": "cassandra",
    "elasticsearch": "elasticsearch",
    "opensearch": "opensearch",
    "nats": "nats",
    "etcd": "etcd",
    "zookeeper": "zookeeper",
    "cp-zookeeper": "zookeeper",
    "clickhouse-server": "clickhouse",
    "influxdb": "influxdb",
    "minio": "minio",
    "neo4j": "neo4j",
    "cockroach": "cockroachdb",
}


def repository(image: str) -> str:
    """'docker.io/library/redis:7-alpine@sha256:..' -> 'redis'."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[0].lower()


def engine_of(image: str | None) -> str | None:
    """The datastore engine an image runs, when it is a well-known one."""
    if not image:
        return None
    return ENGINES.get(repository(image))
