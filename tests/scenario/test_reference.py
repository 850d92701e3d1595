"""The field reference and JSON Schema: complete, and docs/scenarios.md current."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from izsim.cli import app
from izsim.scenario.policy import Policy
from izsim.scenario.reference import json_schema, markdown_reference
from izsim.scenario.schema import Scenario
from tests.conftest import ROOT


def test_docs_scenarios_md_is_generated_and_current() -> None:
    current = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    assert current == markdown_reference(), (
        "docs/scenarios.md is stale: run `izsim schema --markdown > docs/scenarios.md`"
    )


@pytest.mark.parametrize("model", [Scenario, Policy])
def test_every_field_is_described(model: type) -> None:
    schema = model.model_json_schema()
    missing = [
        f"{block}.{name}"
        for block, node in [(model.__name__, schema), *schema.get("$defs", {}).items()]
        for name, prop in node.get("properties", {}).items()
        if not prop.get("description")
    ]
    assert not missing


def test_reference_documents_every_field() -> None:
    text = markdown_reference()
    for model in (Scenario, Policy):
        schema = model.model_json_schema()
        for node in [schema, *schema.get("$defs", {}).values()]:
            for name in node.get("properties", {}):
                assert f"| `{name}` |" in text


@pytest.mark.parametrize("kind", ["scenario", "policy"])
def test_schema_command_prints_json_schema(kind: str) -> None:
    result = CliRunner().invoke(app, ["schema", kind])
    assert result.exit_code == 0
    printed = json.loads(result.output)
    assert printed == json.loads(json.dumps(json_schema(kind)))
    assert printed["additionalProperties"] is False


def test_schema_command_rejects_an_unknown_kind() -> None:
    result = CliRunner().invoke(app, ["schema", "province"])
    assert result.exit_code == 2


def test_the_policy_guide_documents_every_lever_with_unit_place_and_source() -> None:
    from izsim.scenario.policy import Levers

    # the guide part of docs/scenarios.md (the field reference after it has a table of its own)
    guide = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    guide = guide.split("## Field reference")[0]
    rows = {
        line.split("|")[1].strip().strip("`"): [cell.strip() for cell in line.split("|")[2:5]]
        for line in guide.splitlines()
        if line.startswith("| `") and line.count("|") >= 5
    }
    for lever in Levers.model_fields:
        if lever in ("source", "sources", "ranges"):
            continue
        assert lever in rows, f"{lever} is not in the policy guide's lever table"
        unit, where, source = rows[lever]
        assert unit and where and source, f"{lever}: unit, where it acts and source all needed"
