"""A small, hand-made pool for integration tests: three VPs, two organisations with needs."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from vppool.db.models import Certification, Need, Organisation, Site, TrustPerson
from vppool.services import matching
from vppool.settings import Settings
from vppool.vocab import NeedKind


def vp_with_certificate(
    session: Session, name: str, lat: float, lon: float, **extra: object
) -> int:
    values = {
        "first_name": name,
        "last_name": "Jansen",
        "email": f"{name.lower()}@example.nl",
        "languages": ["nl"],
        "scopes": ["unwanted_behaviour", "integrity"],
        "sectors": ["zorg"],
        "home_municipality": "Utrecht",
        "home_latitude": lat,
        "home_longitude": lon,
        "gender": "female",
    }
    values.update(extra)
    vp = TrustPerson.model_validate(values)
    session.add(vp)
    session.flush()
    assert vp.id is not None
    session.add(
        Certification(
            trust_person_id=vp.id,
            number=f"LVV-{vp.id:05d}",
            issued_on=date(2024, 1, 1),
            expires_on=date(2028, 1, 1),
        )
    )
    return vp.id


def org_with_need(session: Session, name: str, lat: float, lon: float, **need: object) -> int:
    org = Organisation(name=name, sector="zorg", headcount=120, languages=["nl"])
    session.add(org)
    session.flush()
    assert org.id is not None
    session.add(
        Site(
            organisation_id=org.id,
            name="Hoofdkantoor",
            municipality="Utrecht",
            latitude=lat,
            longitude=lon,
            is_main=True,
        )
    )
    values = {
        "organisation_id": org.id,
        "kind": NeedKind.STANDING,
        "title": f"Externe VP {name}",
        "scopes": ["unwanted_behaviour"],
        "starts_on": date(2026, 12, 1),
        "expected_hours_per_month": 2.0,
        "seats": 1,
    }
    values.update(need)
    row = Need.model_validate(values)
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def seed_small_pool(engine: Engine) -> dict[str, int]:
    """Anna (Utrecht, f), Bram (Amersfoort, m), Cees (Groningen, m); a two-seat need with a
    required gender mix in Utrecht and a one-seat need in Amersfoort. Returns their ids."""
    with Session(engine) as session:
        ids = {
            "anna": vp_with_certificate(session, "Anna", 52.09, 5.12),
            "bram": vp_with_certificate(session, "Bram", 52.16, 5.39, gender="male"),
            "cees": vp_with_certificate(session, "Cees", 53.22, 6.57, gender="male"),
        }
        ids["zorg"] = org_with_need(
            session, "Zorg Utrecht", 52.09, 5.12, seats=2, requires_gender_mix=True
        )
        ids["school"] = org_with_need(session, "School Amersfoort", 52.16, 5.39)
        session.commit()
    return ids


def run_matching(engine: Engine, settings: Settings, today: date) -> matching.RunSummary:
    """Start a short matching run (5 s, one worker) and execute it here, as a planning day."""
    with Session(engine) as session:
        run = matching.start_run(session, settings, overrides={"time_limit_s": 5, "workers": 1})
        session.commit()
    return matching.execute_run(engine, settings, run.id, today=today)
