"""Feed tokens: random, hashed, bound to one feed, revocable and rotatable by their owner."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tests.integration.seed import seed_small_pool
from vppool.db.models import FeedToken
from vppool.errors import Conflict, NotFound, ValidationFailed
from vppool.security import hash_token
from vppool.services import access, feed_tokens
from vppool.services.access import Viewer
from vppool.vocab import FeedKind, Role

pytestmark = pytest.mark.integration


@pytest.fixture(name="ids")
def fx_ids(engine: Engine) -> dict[str, int]:
    ids = seed_small_pool(engine)
    with Session(engine) as session:
        ids["planner_user"] = access.create_user(
            session, email="pim@provider.nl", display_name="Pim", role="planner"
        ).id
        ids["anna_user"] = access.create_user(
            session,
            email="anna@vp.nl",
            display_name="Anna",
            role="trust_person",
            trust_person_id=ids["anna"],
        ).id
        session.commit()
    return ids


def _vp(ids: dict[str, int]) -> Viewer:
    return Viewer(
        user_id=ids["anna_user"],
        role=Role.TRUST_PERSON,
        label="Anna",
        trust_person_id=ids["anna"],
    )


def _planner(ids: dict[str, int]) -> Viewer:
    return Viewer(user_id=ids["planner_user"], role=Role.PLANNER, label="Pim")


def test_token_is_long_random_and_stored_only_as_a_hash(
    engine: Engine, ids: dict[str, int]
) -> None:
    with Session(engine) as session:
        public, secret = feed_tokens.create_feed_token(
            session, _vp(ids), kind="vp_schedule", trust_person_id=ids["anna"]
        )
        row = session.get(FeedToken, public.id)
        assert row is not None
        assert len(secret) >= 43  # 256 bits, base64url
        assert row.token_hash == hash_token(secret)
        assert secret not in row.token_hash
        target = feed_tokens.resolve_feed_token(session, secret)
    assert target is not None
    assert (target.kind, target.trust_person_id) == (FeedKind.VP_SCHEDULE, ids["anna"])
    assert len(f"https://vppool.example.nl/feeds/{secret}.ics") < 100


def test_vp_cannot_make_a_token_for_another_vp_and_gets_404(
    engine: Engine, ids: dict[str, int]
) -> None:
    with Session(engine) as session, pytest.raises(NotFound):
        feed_tokens.create_feed_token(
            session, _vp(ids), kind="vp_availability", trust_person_id=ids["bram"]
        )


def test_rotation_revokes_the_old_url_and_issues_a_new_one(
    engine: Engine, ids: dict[str, int]
) -> None:
    with Session(engine) as session:
        old, old_secret = feed_tokens.create_feed_token(
            session, _planner(ids), kind="organisation_availability", organisation_id=1
        )
        new, new_secret = feed_tokens.rotate_feed_token(session, _planner(ids), old.id)
        assert feed_tokens.resolve_feed_token(session, old_secret) is None
        assert feed_tokens.resolve_feed_token(session, new_secret) is not None
        assert new.organisation_id == 1
        with pytest.raises(Conflict, match="already revoked"):
            feed_tokens.revoke_feed_token(session, _planner(ids), old.id)
        assert len(session.exec(select(FeedToken)).all()) == 2


def test_bad_kind_and_missing_target_are_field_errors(engine: Engine, ids: dict[str, int]) -> None:
    with Session(engine) as session:
        with pytest.raises(ValidationFailed, match="kind"):
            feed_tokens.create_feed_token(session, _planner(ids), kind="everything")
        with pytest.raises(ValidationFailed, match="organisation_id"):
            feed_tokens.create_feed_token(session, _planner(ids), kind="organisation_availability")


def test_unknown_or_absurd_secrets_resolve_to_nothing(engine: Engine, ids: dict[str, int]) -> None:
    with Session(engine) as session:
        assert feed_tokens.resolve_feed_token(session, "nope") is None
        assert feed_tokens.resolve_feed_token(session, "x" * 5000) is None
        assert feed_tokens.resolve_feed_token(session, "") is None
