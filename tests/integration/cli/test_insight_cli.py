"""`vppool insight gaps`: the tables for people, JSON for other tools."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from vppool.cli import main
from vppool.settings import get_settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(name="runner")
def fx_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("VPPOOL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("VPPOOL_DATABASE_URL", raising=False)
    monkeypatch.setenv("VPPOOL_MATCHING_TIME_LIMIT_S", "10")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_insight_gaps_prints_json_with_the_coverage_and_whom_to_recruit(
    runner: CliRunner, tmp_path: Path
) -> None:
    dataset = tmp_path / "s.json"
    made = runner.invoke(
        main, ["generate", "--size", "S", "--today", "2026-11-23", "--out", str(dataset)]
    )
    assert made.exit_code == 0, made.output
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(main, ["import", str(dataset)]).exit_code == 0
    result = runner.invoke(
        main, ["insight", "gaps", "--today", "2026-11-23", "--months", "6", "--json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    coverage, recruitment = body["coverage"], body["recruitment"]
    assert coverage["months"] == 6
    assert coverage["last_day"] == "2027-04-30"
    open_seats = coverage["totals"]["open"]
    assert open_seats == sum(
        row["open"] for row in coverage["gaps"]["scope"] if row["key"] == "unwanted_behaviour"
    )
    assert recruitment["plan"]["seats"] >= recruitment["plan"]["filled"]
    assert recruitment["suggestions"][0]["seats"] >= recruitment["suggestions"][-1]["seats"]

    people = runner.invoke(
        main, ["insight", "gaps", "--today", "2026-11-23", "--no-recruit", "--show", "3"]
    )
    assert people.exit_code == 0, people.output
    assert "province" in people.output
    assert "spare h/month" in people.output
    assert "recruit " not in people.output


def test_insight_gaps_refuses_months_out_of_range(runner: CliRunner) -> None:
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(main, ["insight", "gaps", "--months", "0", "--no-recruit"])
    assert result.exit_code == 2
    assert "give 1 to 24 months" in result.output


def test_scenario_run_prints_the_comparison_as_json(runner: CliRunner, tmp_path: Path) -> None:
    dataset = tmp_path / "s.json"
    made = runner.invoke(
        main, ["generate", "--size", "S", "--today", "2026-11-23", "--out", str(dataset)]
    )
    assert made.exit_code == 0, made.output
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(main, ["import", str(dataset)]).exit_code == 0
    tables = json.loads(dataset.read_text())["tables"]
    busy = [a["trust_person_id"] for a in tables["assignment"] if a["status"] == "confirmed"]
    vp = max(set(busy), key=busy.count)
    scenario = tmp_path / "away.json"
    scenario.write_text(
        json.dumps(
            {
                "name": "the busiest VP away",
                "changes": [
                    {
                        "type": "absence",
                        "trust_person_id": vp,
                        "first_day": "2026-12-01",
                        "last_day": "2027-02-28",
                    }
                ],
            }
        )
    )
    result = runner.invoke(
        main, ["scenario", "run", str(scenario), "--today", "2026-11-23", "--json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["name"] == "the busiest VP away"
    covers = body["added_needs"]
    assert covers
    assert {c["trust_person_id"] for c in covers} == {vp}
    assert body["scenario"]["seats"] == body["current"]["seats"] + len(covers)
    named = {o["organisation"] for o in body["organisations"]}
    assert {c["organisation"] for c in covers} <= named

    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"name": "x", "changes": [{"type": "holiday"}]}))
    refused = runner.invoke(main, ["scenario", "run", str(broken)])
    assert refused.exit_code == 2
    assert "not a valid scenario" in refused.output
