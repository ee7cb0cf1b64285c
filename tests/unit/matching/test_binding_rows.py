"""The monthly capacity rows the model leaves out are implied by the rows it keeps."""

from __future__ import annotations

import itertools
import random

import pytest

from vppool.matching._rules import _binding_rows

pytestmark = pytest.mark.unit


def _holds(rows: list[tuple[dict[int, int], int]], chosen: tuple[int, ...]) -> bool:
    return all(sum(c * chosen[i] for i, c in terms.items()) <= room for terms, room in rows)


@pytest.mark.parametrize("seed", range(40))
def test_the_kept_rows_allow_exactly_the_plans_all_rows_allow(seed: int) -> None:
    rng = random.Random(seed)
    count = rng.randint(2, 6)
    rows = {}
    for month in range(rng.randint(1, 6)):
        needs = rng.sample(range(count), rng.randint(1, count))
        # Few distinct loads and rooms, so that rows imply one another often.
        rows[month] = ({i: rng.choice((30, 60, 90)) for i in needs}, rng.choice((60, 90, 120)))
    kept = _binding_rows(rows)
    assert len(kept) <= len(rows)
    for chosen in itertools.product((0, 1), repeat=count):
        assert _holds(kept, chosen) == _holds(list(rows.values()), chosen), (rows, kept)


def test_a_standing_need_loading_every_month_alike_keeps_one_row() -> None:
    # Two needs of 60 minutes in each of six months, 90 minutes of room: one row says it all.
    rows = {month: ({1: 60, 2: 60}, 90) for month in range(6)}
    assert _binding_rows(rows) == [({1: 60, 2: 60}, 90)]


def test_a_row_with_less_room_or_another_need_is_kept() -> None:
    rows = {
        0: ({1: 60, 2: 60}, 90),
        1: ({1: 60, 2: 60}, 60),  # a kept hour in this month: less room, implies month 0
        2: ({1: 60, 3: 60}, 90),  # another need: implied by neither
        3: ({1: 30, 2: 60}, 90),  # part of a month: implied by month 1
    }
    kept = _binding_rows(rows)
    assert sorted(kept, key=lambda row: (row[1], sorted(row[0]))) == [
        ({1: 60, 2: 60}, 60),
        ({1: 60, 3: 60}, 90),
    ]
