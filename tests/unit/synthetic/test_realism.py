"""The data looks like a Dutch VP provider's: people, clients, certificates, education."""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from vppool.dataset import Dataset
from vppool.settings import Settings
from vppool.synthetic import load_places
from vppool.vocab import LANGUAGES, NL_LATITUDE_RANGE, NL_LONGITUDE_RANGE, SECTORS

pytestmark = pytest.mark.unit

RULES = Settings().rules()


def _day(value: str) -> date:
    return date.fromisoformat(value)


def test_headcounts_are_heavy_tailed_between_5_and_20000(medium: Dataset) -> None:
    headcounts = [o["headcount"] for o in medium.tables["organisation"]]
    assert min(headcounts) >= 5
    assert max(headcounts) <= 20_000
    median = statistics.median(headcounts)
    assert median < 150
    assert max(headcounts) > 30 * median
    large = sum(1 for h in headcounts if h >= RULES.two_vp_headcount_threshold)
    assert 0.05 < large / len(headcounts) < 0.4


def test_current_certificates_span_expired_expiring_soon_renewal_window_and_valid(
    small: Dataset, medium: Dataset, today: date
) -> None:
    for dataset in (small, medium):
        latest: dict[int, date] = {}
        for cert in dataset.tables["certification"]:
            expires = _day(cert["expires_on"])
            vp = cert["trust_person_id"]
            latest[vp] = max(latest.get(vp, expires), expires)
        days_left = [(expires - today).days for expires in latest.values()]
        assert len(latest) == len(dataset.tables["trust_person"])
        assert any(d <= 0 for d in days_left)
        assert any(0 < d <= RULES.expiring_soon_days for d in days_left)
        assert any(RULES.expiring_soon_days < d <= RULES.renewal_window_days for d in days_left)
        assert sum(d > RULES.renewal_window_days for d in days_left) > len(days_left) / 2


def test_certificates_last_the_set_years_and_chain_without_gaps(medium: Dataset) -> None:
    by_vp: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for cert in medium.tables["certification"]:
        issued, expires = _day(cert["issued_on"]), _day(cert["expires_on"])
        assert expires.year - issued.year == RULES.certification_years
        by_vp[cert["trust_person_id"]].append((issued, expires))
    assert any(len(chain) > 1 for chain in by_vp.values())
    for chain in by_vp.values():
        chain.sort()
        assert all(prev[1] == nxt[0] for prev, nxt in itertools.pairwise(chain))
    numbers = [c["number"] for c in medium.tables["certification"]]
    assert len(set(numbers)) == len(numbers)
    assert all(n.startswith("LVV-") and len(n) == len("LVV-2023-01234") for n in numbers)


def test_education_is_in_the_three_categories_and_some_fall_behind(
    medium: Dataset, today: date
) -> None:
    records = medium.tables["education_record"]
    assert {r["category"] for r in records} == {"accredited_course", "intervision", "other"}
    assert all(_day(r["completed_on"]) <= today for r in records)
    assert all(r["accredited"] == (r["category"] == "accredited_course") for r in records)
    current: dict[int, dict[str, Any]] = {}
    for cert in medium.tables["certification"]:
        vp = cert["trust_person_id"]
        if vp not in current or cert["expires_on"] > current[vp]["expires_on"]:
            current[vp] = cert
    accredited_pace = []
    for vp, cert in current.items():
        issued, expires = _day(cert["issued_on"]), _day(cert["expires_on"])
        share = min(1.0, (today - issued).days / (expires - issued).days)
        hours = sum(
            r["hours"]
            for r in records
            if r["trust_person_id"] == vp
            and r["category"] == "accredited_course"
            and issued <= _day(r["completed_on"]) < expires
        )
        accredited_pace.append(hours / (RULES.education_min_accredited_hours * share))
    on_track = sum(p >= 1 for p in accredited_pace)
    assert 0.5 * len(current) < on_track < 0.9 * len(current)


def test_languages_include_many_besides_dutch(medium: Dataset) -> None:
    people = medium.tables["trust_person"]
    spoken = Counter(code for p in people for code in p["languages"])
    assert spoken["nl"] == len(people)
    assert spoken["en"] > len(people) / 2
    assert len(set(spoken) - {"nl", "en"}) >= 6
    asked = Counter(code for o in medium.tables["organisation"] for code in o["languages"])
    assert len(set(asked) - {"nl", "en"}) >= 4
    assert set(spoken) | set(asked) <= set(LANGUAGES)


def test_pool_is_mostly_female_with_some_men_non_binary_and_undeclared(medium: Dataset) -> None:
    genders = Counter(p["gender"] for p in medium.tables["trust_person"])
    assert genders["female"] > len(medium.tables["trust_person"]) / 2
    assert genders["male"] > 10
    assert genders[None] + genders["non_binary"] >= 1
    assert all(
        not p["gender_visible_to_clients"]
        for p in medium.tables["trust_person"]
        if p["gender"] is None
    )


def test_names_are_dutch_with_tussenvoegsels_and_reflect_diversity(medium: Dataset) -> None:
    people = medium.tables["trust_person"]
    last_names = [p["last_name"] for p in people]
    assert any(name.split()[0] in ("van", "de", "ter", "ten", "in") for name in last_names)
    assert any(not name.isascii() for name in last_names + [p["first_name"] for p in people])
    tags = {tag for p in people for tag in p["background_tags"]}
    assert len(tags) >= 3
    emails = [p["email"] for p in people]
    assert len(set(emails)) == len(emails)
    assert all(e.isascii() and e.endswith(".example") for e in emails)
    assert all(p["phone"].startswith("06-") and len(p["phone"]) == 11 for p in people)


def test_ages_experience_and_capacities_are_plausible(medium: Dataset, today: date) -> None:
    for p in medium.tables["trust_person"]:
        assert 30 <= today.year - p["birth_year"] <= 70
        started = _day(p["experience_since"])
        assert started <= today
        assert started.year - p["birth_year"] >= 25
        assert 30 <= p["max_travel_km"] <= 120
        assert 8 <= p["capacity_hours_per_month"] <= 60
        assert 2 <= p["capacity_standing_clients"] <= 25
        assert 1 <= len(p["sectors"]) <= 4
        assert p["scopes"]
        assert p["timezone"] == "Europe/Amsterdam"
    active = [p["active"] for p in medium.tables["trust_person"]]
    assert 0 < active.count(False) < len(active) / 10


def test_homes_and_sites_lie_in_the_netherlands_near_their_place(medium: Dataset) -> None:
    places = {p.name: p for p in load_places()}
    points = [
        (p["home_municipality"], p["home_latitude"], p["home_longitude"])
        for p in medium.tables["trust_person"]
    ] + [(s["municipality"], s["latitude"], s["longitude"]) for s in medium.tables["site"]]
    for name, latitude, longitude in points:
        assert NL_LATITUDE_RANGE[0] <= latitude <= NL_LATITUDE_RANGE[1]
        assert NL_LONGITUDE_RANGE[0] <= longitude <= NL_LONGITUDE_RANGE[1]
        place = places[name]
        assert abs(latitude - place.latitude) < 0.15
        assert abs(longitude - place.longitude) < 0.2
    homes = Counter(p["home_municipality"] for p in medium.tables["trust_person"])
    assert len(homes) > 30


def test_organisations_have_unique_names_a_main_site_and_big_ones_more_sites(
    medium: Dataset,
) -> None:
    organisations = medium.tables["organisation"]
    names = [o["name"] for o in organisations]
    assert len(set(names)) == len(names)
    assert {o["sector"] for o in organisations} == set(SECTORS)
    sites: dict[int, list[dict[str, object]]] = defaultdict(list)
    for site in medium.tables["site"]:
        sites[site["organisation_id"]].append(site)
    for org in organisations:
        own = sites[org["id"]]
        assert sum(1 for s in own if s["is_main"]) == 1
        if org["headcount"] < 250:
            assert len(own) == 1
    assert any(len(own) >= 3 for own in sites.values())
    mix = [o["requires_gender_mix"] for o in organisations]
    assert 0 < sum(mix) < len(mix) / 2


def test_standing_needs_follow_the_seat_and_hours_rules(medium: Dataset) -> None:
    headcount = {o["id"]: o["headcount"] for o in medium.tables["organisation"]}
    standing = [n for n in medium.tables["need"] if n["kind"] == "standing"]
    assert len(standing) > 0.8 * len(medium.tables["organisation"])
    for need in standing:
        size = headcount[need["organisation_id"]]
        assert need["seats"] == (2 if size >= RULES.two_vp_headcount_threshold else 1)
        assert need["expected_hours_per_month"] == RULES.hours_sizing.hours_for(size)
        assert need["scopes"]


def test_short_term_needs_are_open_requested_urgent_and_around_today(
    medium: Dataset, today: date
) -> None:
    short = [n for n in medium.tables["need"] if n["kind"] != "standing"]
    assert {n["kind"] for n in short} == {"absence_cover", "reorganisation", "aftercare"}
    assert {"open", "requested", "closed"} <= {n["status"] for n in short}
    assert any(n["urgency"] == "critical" for n in short)
    for need in short:
        starts, ends = _day(need["starts_on"]), _day(need["ends_on"])
        assert ends > starts
        if need["status"] in ("open", "requested"):
            assert today - timedelta(days=21) <= starts <= today + timedelta(days=45)
            assert ends > today
        if need["status"] == "requested":
            assert starts > today
        if need["status"] == "closed":
            assert ends <= today
    users = {u["id"]: u for u in medium.tables["app_user"]}
    for need in medium.tables["need"]:
        if need["requested_by_user_id"] is not None:
            user = users[need["requested_by_user_id"]]
            assert (user["role"], user["organisation_id"]) == ("client", need["organisation_id"])


def test_absences_lie_in_the_past_around_today_and_ahead(small: Dataset, today: date) -> None:
    periods = [(_day(a["starts_on"]), _day(a["ends_on"])) for a in small.tables["absence"]]
    assert any(end <= today for _, end in periods)
    assert any(start <= today < end for start, end in periods)
    assert any(start > today for start, _ in periods)
    assert {a["kind"] for a in small.tables["absence"]} <= {"leave", "sick", "training", "other"}


def test_weekly_hours_are_ranges_on_working_days_mostly(medium: Dataset) -> None:
    ranges = medium.tables["weekly_availability"]
    by_vp = Counter(r["trust_person_id"] for r in ranges)
    assert set(by_vp) == {p["id"] for p in medium.tables["trust_person"]}
    weekdays = Counter(r["weekday"] for r in ranges)
    assert weekdays[6] == 0
    assert weekdays[0] > 3 * weekdays[5]
    assert any(r["start_time"] >= "19:00:00" for r in ranges)


def test_conflicts_have_known_reasons_and_some_ended_within_the_look_back(
    medium: Dataset, today: date
) -> None:
    conflicts = medium.tables["conflict_of_interest"]
    assert len({c["reason"] for c in conflicts}) >= 4
    look_back = today - timedelta(days=365 * RULES.conflict_lookback_years)
    ended = [_day(c["ends_on"]) for c in conflicts if c["ends_on"] is not None]
    assert any(end >= look_back for end in ended)
    assert any(end < look_back for end in ended)
    assert any(c["ends_on"] is None for c in conflicts)
    pairs = [(c["trust_person_id"], c["organisation_id"]) for c in conflicts]
    assert len(set(pairs)) == len(pairs)


def test_preferences_are_unique_per_pair_and_party_and_avoid_conflicts(medium: Dataset) -> None:
    preferences = medium.tables["preference"]
    keys = [(p["trust_person_id"], p["organisation_id"], p["party"]) for p in preferences]
    assert len(set(keys)) == len(keys)
    assert {p["party"] for p in preferences} == {"client", "trust_person"}
    strengths = {p["strength"] for p in preferences}
    assert strengths & {-2, -1}
    assert strengths & {1, 2}
    conflicts = {
        (c["trust_person_id"], c["organisation_id"]) for c in medium.tables["conflict_of_interest"]
    }
    assert not {(vp, org) for vp, org, _ in keys} & conflicts


def test_demo_users_cover_every_role_with_their_binding(medium: Dataset) -> None:
    users = medium.tables["app_user"]
    roles = Counter(u["role"] for u in users)
    assert (roles["admin"], roles["planner"]) == (1, 2)
    assert roles["client"] >= 10
    assert roles["trust_person"] >= 25
    assert users[0]["email"] == "admin@vppool.example"
    emails = [u["email"] for u in users]
    assert len(set(emails)) == len(emails)
    assert all(u["password_hash"] is None for u in users)
    for user in users:
        assert (user["role"] == "client") == (user["organisation_id"] is not None)
        assert (user["role"] == "trust_person") == (user["trust_person_id"] is not None)
    first_vp = next(u for u in users if u["role"] == "trust_person")
    confirmed = {
        a["trust_person_id"] for a in medium.tables["assignment"] if a["status"] == "confirmed"
    }
    assert first_vp["trust_person_id"] in confirmed


def test_intervision_groups_keep_sizes_and_vps_sharing_a_client_apart(
    medium: Dataset, today: date
) -> None:
    tables = medium.tables
    members: dict[int, list[int]] = defaultdict(list)
    for member in tables["intervision_member"]:
        members[member["group_id"]].append(member["trust_person_id"])
    assert {g["year"] for g in tables["intervision_group"]} == {today.year - 1, today.year}
    for group in tables["intervision_group"]:
        assert (
            RULES.intervision_group_min <= len(members[group["id"]]) <= RULES.intervision_group_max
        )
    needs = {n["id"]: n for n in tables["need"]}
    clients: dict[int, set[int]] = defaultdict(set)
    for a in tables["assignment"]:
        if a["status"] == "confirmed":
            clients[a["trust_person_id"]].add(needs[a["need_id"]]["organisation_id"])
    for group_members in members.values():
        for index, vp in enumerate(group_members):
            for other in group_members[index + 1 :]:
                assert not clients[vp] & clients[other]


def test_attended_sessions_and_intervision_records_match(medium: Dataset, today: date) -> None:
    tables = medium.tables
    sessions = {s["id"]: s for s in tables["intervision_session"]}
    attended = {
        (a["session_id"], a["trust_person_id"])
        for a in tables["intervision_attendance"]
        if a["attended"]
    }
    linked = {
        (r["intervision_session_id"], r["trust_person_id"])
        for r in tables["education_record"]
        if r["intervision_session_id"] is not None
    }
    assert attended == linked
    for session in sessions.values():
        starts = datetime.fromisoformat(session["starts_at"])
        assert starts.utcoffset() == timedelta(0)
        if starts.date() < today:
            assert session["status"] in ("held", "cancelled")
        else:
            assert session["status"] == "planned"
    statuses = {sessions[a["session_id"]]["status"] for a in tables["intervision_attendance"]}
    assert statuses == {"held"}
