"""The JSON Schema of the format, generated from its models."""

from __future__ import annotations

import json
from typing import Annotated, Any, Union

from pydantic import Field, TypeAdapter

from .kinds import MODELS

SCHEMA_ID = "https://archatlas.dev/schema/v1/archatlas.schema.json"


def json_schema() -> dict[str, Any]:
    # The union of every kind's model, built from the table of kinds.
    any_element: Any = Union[tuple(MODELS.values())]  # noqa: UP007
    adapter: TypeAdapter[Any] = TypeAdapter(Annotated[any_element, Field(discriminator="kind")])
    body = adapter.json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "archatlas element",
        "description": "One element of an architecture: each YAML document is one element.",
        **body,
    }


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
