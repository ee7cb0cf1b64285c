"""Dutch family names sort by the name, not the particle."""

from __future__ import annotations

import pytest

from vppool.names import family_name_key, person_sort_key

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("last_name", "key"),
    [
        ("de Jonge", "jonge"),
        ("van den Berg", "berg"),
        ("Van Dijk", "dijk"),
        ("'t Hart", "hart"),
        ("van der Heijden", "heijden"),
        ("Jansen", "jansen"),
        ("Çelik", "celik"),
        ("Van", "van"),
        ("de", "de"),
    ],
)
def test_family_name_key_leaves_out_the_particle(last_name: str, key: str) -> None:
    assert family_name_key(last_name) == key


def test_people_sort_under_the_family_name_then_the_first_name() -> None:
    people = [
        ("Pieter", "de Jonge"),
        ("Anna", "Jansen"),
        ("Bram", "van den Berg"),
        ("Ans", "Jonge"),
    ]
    ordered = sorted(people, key=lambda p: person_sort_key(*p))
    assert ordered == [
        ("Bram", "van den Berg"),
        ("Anna", "Jansen"),
        ("Ans", "Jonge"),
        ("Pieter", "de Jonge"),
    ]
