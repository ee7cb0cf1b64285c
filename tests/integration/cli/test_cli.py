"""The `vppool` command on an SQLite file in a temporary data folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner

from vppool.cli import main
from vppool.db.migrate import alembic_config
from vppool.settings import get_settings

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


def test_db_upgrade_creates_the_sqlite_file_and_reports_the_revision(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "vppool.sqlite3").exists()
    current = runner.invoke(main, ["db", "current"])
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert current.output.strip() == head


def test_export_of_an_empty_database_is_a_valid_dataset(runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(main, ["db", "upgrade"])
    out = tmp_path / "empty.json"
    result = runner.invoke(main, ["export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    body = json.loads(out.read_text())
    assert body["format"] == "vppool-dataset"
    assert set(body["tables"]) >= {"trust_person", "need", "assignment"}


def test_import_of_a_broken_file_exits_2_with_what_to_fix(
    runner: CliRunner, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "vppool-dataset", "version": 1, "tables": {"need": [{"id": 1}]}}')
    result = runner.invoke(main, ["import", str(bad)])
    assert result.exit_code == 2
    assert "tables.need[0]" in result.output
    assert "Traceback" not in result.output


def test_invalid_setting_is_reported_not_raised(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VPPOOL_TIMEZONE", "Mars/Olympus")
    get_settings.cache_clear()
    result = runner.invoke(main, ["db", "current"])
    assert result.exit_code == 2
    assert "unknown IANA time zone" in result.output


def test_reset_refuses_without_yes(runner: CliRunner) -> None:
    result = runner.invoke(main, ["db", "reset"])
    assert result.exit_code == 2
    assert "--yes" in result.output


def test_users_and_tokens_can_be_created_from_the_command_line(runner: CliRunner) -> None:
    created = runner.invoke(
        main,
        [
            "users",
            "create",
            "--email",
            "Pim@Provider.nl",
            "--name",
            "Pim",
            "--role",
            "planner",
            "--password",
            "correct horse battery",
        ],
    )
    assert created.exit_code == 0, created.output
    token = runner.invoke(
        main, ["tokens", "create", "--email", "pim@provider.nl", "--name", "export", "--days", "7"]
    )
    assert token.exit_code == 0, token.output
    assert len(token.output.strip().splitlines()[-1]) >= 43
    short = runner.invoke(
        main,
        ["users", "create", "--email", "x@y.nl", "--name", "X", "--role", "client",
         "--password", "short"],
    )  # fmt: skip
    assert short.exit_code == 2
    assert "password" in short.output
    assert "organisation_id" in short.output


def test_report_annual_writes_a_clients_pdf_and_the_providers_csv(
    runner: CliRunner, tmp_path: Path
) -> None:
    """On the S preset: a client's year as PDF (with --json figures), everyone's as CSV."""
    import io

    import pypdf

    dataset = tmp_path / "s.json"
    made = runner.invoke(
        main, ["generate", "--size", "S", "--today", "2026-11-23", "--out", str(dataset)]
    )
    assert made.exit_code == 0, made.output
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(main, ["import", str(dataset)]).exit_code == 0
    everyone = tmp_path / "all.csv"
    result = runner.invoke(main, ["report", "annual", "--year", "2026", "--out", str(everyone)])
    assert result.exit_code == 0, result.output
    rows = everyone.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("Organisatie;Vertrouwenspersonen;Geplande uren")
    tables = json.loads(dataset.read_text())["tables"]
    served = {a["need_id"] for a in tables["assignment"] if a["status"] == "confirmed"}
    first_id = min(n["organisation_id"] for n in tables["need"] if n["id"] in served)
    pdf = tmp_path / "one.pdf"
    result = runner.invoke(
        main,
        [
            "report",
            "annual",
            "--organisation",
            str(first_id),
            "--year",
            "2026",
            "--out",
            str(pdf),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["year"] == 2026
    text = pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].extract_text()
    assert figures["organisation_name"] in " ".join(text.split())
    assert figures["periods"]
    for period in figures["periods"]:
        assert period["name"] in " ".join(text.split())
    wrong = runner.invoke(main, ["report", "annual", "--year", "2026", "--out", "x.docx"])
    assert wrong.exit_code == 2
    assert "must end in .pdf or .csv" in wrong.output


def test_generate_writes_the_stress_variant_on_request(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "stress.json"
    args = ["generate", "--size", "S", "--today", "2026-11-23", "--out"]
    result = runner.invoke(main, [*args, str(out), "--stress"])
    assert result.exit_code == 0, result.output
    stress = json.loads(out.read_text())
    assert stress["meta"]["size"] == "S-stress"
    assert runner.invoke(main, [*args, str(out)]).exit_code == 0
    normal = json.loads(out.read_text())
    assert normal["meta"]["size"] == "S"
    assert len(stress["tables"]["trust_person"]) < len(normal["tables"]["trust_person"])
