"""The one ranking rule shared by the scorecard, the survey, the services and the importer."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.ranking import MAX_NUMBER_DIGITS, check_ranking, small_whole_number


def test_a_permutation_of_one_to_n_is_accepted():
    found = check_ranking({"a": 2, "b": 1, "c": 3}, ["a", "b", "c"])
    assert found.ok


def test_a_missing_item_is_named():
    found = check_ranking({"a": 1, "b": None}, ["a", "b", "c"])
    assert found.missing == ["b", "c"]
    assert not found.ok


def test_a_place_outside_one_to_n_is_named_with_its_value():
    found = check_ranking({"a": 1, "b": 0, "c": 4}, ["a", "b", "c"])
    assert found.out_of_range == [("b", 0), ("c", 4)]


def test_a_shared_place_lists_every_holder_in_item_order():
    found = check_ranking({"a": 2, "b": 1, "c": 2}, ["a", "b", "c"])
    assert found.shared == {2: ["a", "c"]}


def test_a_place_given_to_an_item_outside_the_ranking_is_unknown():
    found = check_ranking({"a": 1, "b": 2, "z": 3}, ["a", "b"])
    assert found.unknown == ["z"]
    assert not found.ok


@given(st.permutations(range(1, 11)))
def test_every_permutation_of_ten_places_is_accepted(places):
    assert check_ranking(dict(zip(range(10), places, strict=True)), list(range(10))).ok


@given(st.lists(st.integers(min_value=-3, max_value=13), min_size=10, max_size=10))
def test_a_list_is_accepted_exactly_when_it_is_a_permutation(places):
    found = check_ranking(dict(enumerate(places)), list(range(10)))
    assert found.ok == (sorted(places) == list(range(1, 11)))


@pytest.mark.parametrize(("text", "value"), [("3", 3), (" 3 ", 3), ("+4", 4), ("-1", -1), ("0", 0)])
def test_small_whole_numbers_are_read(text, value):
    assert small_whole_number(text) == value


@pytest.mark.parametrize("text", ["", "x", "3.5", "1" * (MAX_NUMBER_DIGITS + 1), "9" * 4301, "٣"])
def test_long_or_foreign_numbers_are_refused_without_int(text):
    assert small_whole_number(text) is None
