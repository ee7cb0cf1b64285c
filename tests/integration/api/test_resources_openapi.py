"""The resource routes document themselves: an operation id, a summary, a body shape."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from vppool.api import create_app
from vppool.settings import Settings

RESOURCES = (
    "/api/v1/trust-persons",
    "/api/v1/organisations",
    "/api/v1/conflicts-of-interest",
    "/api/v1/preferences",
    "/api/v1/needs",
    "/api/v1/assignments",
    "/api/v1/audit-entries",
    "/api/v1/me",
)
NOT_RESOURCES = ("/api/v1/needs/{need_id}/quick-match", "/api/v1/assignments/override")


def _operations(tmp_path: Path) -> list[tuple[str, str, dict[str, Any]]]:
    schema = create_app(Settings(data_dir=tmp_path)).openapi_schema.to_schema()
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        if path.startswith(RESOURCES) and path not in NOT_RESOURCES
        for method, operation in item.items()
        if isinstance(operation, dict) and "responses" in operation
    ]


def test_every_resource_operation_has_a_camel_case_id_and_a_summary(tmp_path: Path) -> None:
    operations = _operations(tmp_path)
    assert len(operations) > 50
    for method, path, operation in operations:
        assert re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)+", str(operation["operationId"])), path
        summary = str(operation["summary"])
        assert summary[0].isupper(), (method, path)
        assert summary.endswith("."), (method, path, summary)


def test_bodies_are_documented_with_their_fields(tmp_path: Path) -> None:
    components = create_app(Settings(data_dir=tmp_path)).openapi_schema.to_schema()["components"]

    def resolved(schema: dict[str, Any]) -> dict[str, Any]:
        if len(schema.get("allOf", [])) == 1:
            schema = schema["allOf"][0]
        ref = schema.get("$ref", "")
        return components["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema

    bodies = {
        (method, path): resolved(next(iter(operation["requestBody"]["content"].values()))["schema"])
        for method, path, operation in _operations(tmp_path)
        if "requestBody" in operation
    }
    submit = bodies[("POST", "/api/v1/needs")]
    assert {"kind", "title", "scopes", "starts_on", "organisation_id"} <= set(submit["properties"])
    assert submit["additionalProperties"] is False
    schedule = bodies[("PUT", "/api/v1/trust-persons/{trust_person_id}/weekly-availability")]
    assert schedule["type"] == "array"
    assert set(resolved(schedule["items"])["required"]) == {"weekday", "start_time", "end_time"}
    upload = bodies[("POST", "/api/v1/trust-persons/{trust_person_id}/calendar-sources/upload")]
    assert "file" in upload["properties"]
    for key, body in bodies.items():
        assert body.get("properties") or body.get("items"), key


_PATH_ORDER = """
import json, pathlib, sys, tempfile
from vppool.api import create_app
from vppool.settings import Settings
folder = pathlib.Path(tempfile.mkdtemp())
app = create_app(Settings(data_dir=folder, database_url=f"sqlite:///{folder}/x.sqlite3"))
print(json.dumps(list(app.openapi_schema.to_schema()["paths"])))
"""


def test_the_openapi_document_lists_its_paths_in_the_same_order_in_every_process() -> None:
    # A different order per process breaks parallel test collection and schema diffs.
    orders = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(  # noqa: S603  (our own interpreter and script)
            [sys.executable, "-c", _PATH_ORDER],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        orders.add(done.stdout.strip().splitlines()[-1])
    assert len(orders) == 1
