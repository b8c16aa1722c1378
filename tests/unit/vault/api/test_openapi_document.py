"""The OpenAPI document is valid OpenAPI 3.1 and every reference resolves."""

from __future__ import annotations

import json

import schemathesis

from vault.api.openapi import document


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_document_is_json_and_refs_resolve():
    doc = json.loads(json.dumps(document()))
    assert doc["openapi"] == "3.1.0"
    schemas = doc["components"]["schemas"]
    for ref in _refs(doc):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schemas


def test_schemathesis_loads_every_operation():
    schema = schemathesis.openapi.from_dict(document())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(ops) for ops in document()["paths"].values())
