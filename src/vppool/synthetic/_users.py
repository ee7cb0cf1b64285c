"""Demo accounts: provider staff, client contacts and VPs (passwords are set by the CLI)."""

from __future__ import annotations

import random

from vppool.synthetic._records import Organisation, Tables, TrustPerson

__all__ = ["ADMIN_EMAIL", "add_staff_and_clients", "add_trust_person_users"]

ADMIN_EMAIL = "admin@vppool.example"
PLANNERS = (
    ("planner@vppool.example", "Priya Ramdin"),
    ("planner2@vppool.example", "Pieter de Wit"),
)


def _user(
    tables: Tables,
    email: str,
    name: str,
    role: str,
    *,
    organisation_id: int | None = None,
    trust_person_id: int | None = None,
) -> int:
    return tables.add(
        "app_user",
        {
            "email": email,
            "display_name": name,
            "role": role,
            "organisation_id": organisation_id,
            "trust_person_id": trust_person_id,
            "password_hash": None,
            "active": True,
            "created_at": tables.stamp,
        },
    )


def add_staff_and_clients(
    tables: Tables, rng: random.Random, organisations: list[Organisation]
) -> list[int]:
    """One admin, two planners, and a client contact's account for some organisations.

    Returns:
        The planners' user ids.
    """
    _user(tables, ADMIN_EMAIL, "Beheerder vppool", "admin")
    planners = [_user(tables, email, name, "planner") for email, name in PLANNERS]
    active = [org for org in organisations if org.active]
    chosen = rng.sample(active, k=min(len(active), max(10, round(0.05 * len(organisations)))))
    for org in sorted(chosen, key=lambda org: org.id):
        row = tables.rows["organisation"][org.id - 1]
        org.client_user_id = _user(
            tables, row["contact_email"], row["contact_name"], "client", organisation_id=org.id
        )
    return planners


def add_trust_person_users(tables: Tables, rng: random.Random, people: list[TrustPerson]) -> None:
    """Accounts for half the VPs (at least 25), with their own e-mail address.

    VPs with clients come first, so the first trust-person account (the demo login) shows a
    schedule.
    """
    chosen = rng.sample(people, k=min(len(people), max(25, len(people) // 2)))
    chosen.sort(key=lambda p: (not (p.active and p.clients_used > 0), p.id))
    for person in chosen:
        row = tables.rows["trust_person"][person.id - 1]
        _user(tables, row["email"], person.name, "trust_person", trust_person_id=person.id)
