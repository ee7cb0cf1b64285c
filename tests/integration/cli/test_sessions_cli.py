"""`vppool sessions`: list the requests, print the proposed times as JSON, book one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session

from tests.integration.api.world import in_days, seed_world
from vppool.cli import main
from vppool.db import create_engine_for
from vppool.services import info_sessions
from vppool.settings import get_settings

pytestmark = pytest.mark.integration


@pytest.fixture(name="runner")
def fx_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("VPPOOL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("VPPOOL_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_list_propose_and_book(runner: CliRunner) -> None:
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    settings = get_settings()
    engine = create_engine_for(settings)
    world = seed_world(engine)
    with Session(engine) as session:
        filed = info_sessions.request_session(
            session,
            settings,
            data=info_sessions.InfoSessionRequest(
                organisation_id=world["org1"],
                site_id=world["site1"],
                kind="information",  # type: ignore[arg-type]
                starts_on=in_days(22),
                ends_on=in_days(50),
                duration_minutes=60,
            ),
        )
        session.commit()
    engine.dispose()
    listed = runner.invoke(main, ["sessions", "list", "--status", "requested", "--json"])
    assert listed.exit_code == 0, listed.output
    ids = [item["id"] for item in json.loads(listed.stdout)["items"]]
    assert filed.id in ids
    proposed = runner.invoke(main, ["sessions", "propose", str(filed.id), "--json"])
    assert proposed.exit_code == 0, proposed.output
    first = json.loads(proposed.stdout)[0]
    booked = runner.invoke(
        main,
        [
            "sessions",
            "book",
            str(filed.id),
            "--trust-person",
            str(first["trust_person_id"]),
            "--at",
            first["starts_at"],
        ],
    )
    assert booked.exit_code == 0, booked.output
    after = runner.invoke(main, ["sessions", "list", "--status", "booked", "--json"])
    assert [item["id"] for item in json.loads(after.stdout)["items"]] == [filed.id]
    taken = runner.invoke(
        main,
        ["sessions", "book", str(filed.id), "--trust-person", "999", "--at", first["starts_at"]],
    )
    assert taken.exit_code == 2
