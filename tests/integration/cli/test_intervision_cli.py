"""`vppool intervision form` and `schedule` on an SQLite file in a temporary data folder."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, col, select

from tests.factories import make_certification, make_trust_person
from vppool.cli import main
from vppool.db import create_engine_for
from vppool.db.models import IntervisionGroup, IntervisionSession, WeeklyAvailability
from vppool.settings import get_settings
from vppool.vocab import SessionStatus

pytestmark = pytest.mark.integration


@pytest.fixture(name="runner")
def fx_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("VPPOOL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("VPPOOL_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    return CliRunner()


@pytest.fixture(autouse=True)
def _fresh_settings() -> object:
    yield
    get_settings.cache_clear()


def _pool(count: int) -> None:
    engine = create_engine_for(get_settings())
    with Session(engine) as session:
        for number in range(count):
            vp = make_trust_person(session, first_name=f"Cli{number}")
            make_certification(session, trust_person=vp)
            session.add(
                WeeklyAvailability(
                    trust_person_id=vp.id, weekday=3, start_time=time(9), end_time=time(17)
                )
            )
        session.commit()
    engine.dispose()


def test_form_and_schedule_print_the_groups_and_sessions(runner: CliRunner) -> None:
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    _pool(9)
    year = get_settings().today().year + 1
    formed = runner.invoke(main, ["intervision", "form", "--year", str(year), "--time-limit", "5"])
    assert formed.exit_code == 0, formed.output
    assert f"intervision groups {year}" in formed.output
    assert "proven bound" in formed.output
    assert "2 (9 VPs)" in formed.output
    planned = runner.invoke(main, ["intervision", "schedule", "--year", str(year)])
    assert planned.exit_code == 0, planned.output
    assert "sessions planned" in planned.output
    assert "│ 8" in planned.output  # two groups, four sessions each


def test_form_with_too_few_vps_exits_2_with_the_reason(runner: CliRunner) -> None:
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    _pool(3)
    year = get_settings().today().year + 1
    result = runner.invoke(main, ["intervision", "form", "--year", str(year), "--time-limit", "2"])
    assert result.exit_code == 2
    assert "3 VPs cannot form groups of 4 to 6" in result.output
    assert "Traceback" not in result.output


def test_forming_again_after_a_group_met_keeps_it_and_prints_the_changes(
    runner: CliRunner,
) -> None:
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    _pool(9)
    year = get_settings().today().year + 1
    assert runner.invoke(main, ["intervision", "form", "--year", str(year)]).exit_code == 0
    assert runner.invoke(main, ["intervision", "schedule", "--year", str(year)]).exit_code == 0
    engine = create_engine_for(get_settings())
    with Session(engine) as session:
        meeting = session.exec(
            select(IntervisionSession).order_by(col(IntervisionSession.id))
        ).first()
        assert meeting is not None
        meeting.status = SessionStatus.HELD
        session.commit()
        kept = meeting.group_id
    engine.dispose()
    _pool(1)  # someone new in the pool
    again = runner.invoke(main, ["intervision", "form", "--year", str(year), "--time-limit", "5"])
    assert again.exit_code == 0, again.output
    assert "groups kept (they met)" in again.output
    assert "change" in again.output
    engine = create_engine_for(get_settings())
    with Session(engine) as session:
        assert session.get(IntervisionGroup, kept) is not None
    engine.dispose()
