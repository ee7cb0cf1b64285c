"""The demo: a fresh SQLite database with a synthetic dataset and a login per role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from vppool.db import make_engine, session_scope, upgrade
from vppool.db.models import Assignment, Need, User
from vppool.security import hash_password
from vppool.services.dataset import ProgressCallback, import_dataset
from vppool.settings import Settings
from vppool.synthetic import generate
from vppool.vocab import AssignmentStatus, Role

__all__ = ["DemoLogin", "DemoSummary", "prepare_demo"]


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """One account to try the demo with."""

    role: str
    email: str


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What the demo database holds."""

    counts: dict[str, int]
    logins: list[DemoLogin]


def _demo_logins(session: Session, password: str) -> list[DemoLogin]:
    """Give one user of each role the demo password.

    The client contact is one whose organisation has a confirmed trust person and the trust
    person one with a confirmed assignment, so their pages show something from the start.
    """
    logins = []
    hashed = hash_password(password)
    confirmed = select(Assignment).where(Assignment.status == AssignmentStatus.CONFIRMED)
    served = confirmed.join(Need, col(Need.id) == Assignment.need_id).with_only_columns(
        col(Need.organisation_id)
    )
    serving = confirmed.with_only_columns(col(Assignment.trust_person_id))
    preferred = {
        Role.CLIENT: col(User.organisation_id).in_(served),
        Role.TRUST_PERSON: col(User.trust_person_id).in_(serving),
    }
    for role in Role:
        query = select(User).where(User.role == role, col(User.active))
        user = None
        if role in preferred:
            user = session.exec(query.where(preferred[role]).order_by(col(User.id))).first()
        user = user or session.exec(query.order_by(col(User.id))).first()
        if user is None:
            continue
        user.password_hash = hashed
        session.add(user)
        logins.append(DemoLogin(role=role.value, email=user.email))
    return logins


def prepare_demo(
    settings: Settings,
    path: Path,
    *,
    size: str,
    seed: int,
    password: str,
    progress: ProgressCallback | None = None,
) -> DemoSummary:
    """Replace the SQLite file at ``path`` with a migrated database holding a fresh dataset."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
        today = settings.today()
        dataset = generate(size, seed, today=today, settings=settings, progress=progress)
        with session_scope(engine) as session:
            counts = import_dataset(session, dataset, progress=progress)
            logins = _demo_logins(session, password)
    finally:
        engine.dispose()
    return DemoSummary(counts=counts, logins=logins)
