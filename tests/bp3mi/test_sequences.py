"""The yearly number sequences behind registration and letter numbers."""

import pytest

from bp3mi.models import NumberSequence
from bp3mi.services import sequence_next, sequence_take

pytestmark = pytest.mark.django_db


def test_each_number_follows_the_last_one_taken():
    assert [sequence_next(name="letter", year=2026) for _ in range(4)] == [1, 2, 3, 4]


def test_a_block_reserves_consecutive_numbers_and_the_next_caller_continues_after_it():
    assert sequence_next(name="registration", year=2026) == 1
    assert sequence_take(name="registration", year=2026, count=5) == 2
    assert sequence_next(name="registration", year=2026) == 7
    assert NumberSequence.objects.get(name="registration", year=2026).last_value == 7


def test_each_year_and_each_name_has_its_own_counter():
    sequence_take(name="letter", year=2026, count=3)
    assert sequence_next(name="letter", year=2027) == 1
    assert sequence_next(name="registration", year=2026) == 1
    assert sequence_next(name="letter", year=2026) == 4


def test_a_block_of_no_numbers_is_refused():
    with pytest.raises(ValueError):
        sequence_take(name="letter", year=2026, count=0)
