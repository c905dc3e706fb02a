"""The stretch of a file's text its snippet is quoted from (search.tightest_stretch), a pure
function: where the query's terms are found together, on any database."""

import pytest

from plenary.documents import search
from plenary.documents.search import tightest_stretch


def _quoted(text: str, strings: list[tuple[int, str]]) -> str | None:
    found = tightest_stretch(text, strings)
    return None if found is None else text[found[0] : found[1]]


def test_nothing_found_is_no_stretch():
    assert tightest_stretch("A text about routers.", [(1, "gateway")]) is None
    assert tightest_stretch("", [(1, "gateway")]) is None


def test_a_string_counts_only_where_it_starts_a_word():
    """The string "rout" inside "outrouter" or after an underscore is no occurrence; after a
    space, a hyphen or at the very start it is."""
    assert tightest_stretch("outrouter x_routing", [(1, "rout")]) is None
    assert _quoted("routing first", [(1, "rout")]) == "rout"
    assert tightest_stretch("multi-routing", [(1, "rout")]) == (6, 10)


def test_the_stretch_holding_every_term_wins_over_a_shorter_one_holding_fewer():
    text = "quality routing here. " + "filler " * 20 + "quality and then some access routing"
    strings = [(1, "quality"), (2, "rout"), (3, "access")]
    assert _quoted(text, strings) == "quality and then some access rout"


def test_of_stretches_holding_as_many_terms_the_shortest_then_the_first_wins():
    strings = [(1, "alpha"), (2, "beta")]
    text = "alpha one two beta. alpha beta. alpha beta."
    assert tightest_stretch(text, strings) == (20, 30)
    assert _quoted(text, strings) == "alpha beta"


def test_terms_further_apart_than_a_stretch_are_not_held_together(monkeypatch):
    monkeypatch.setattr(search, "SNIPPET_STRETCH_CHARS", 20)
    text = "alpha " + "x" * 30 + " beta gamma"
    strings = [(1, "alpha"), (2, "beta"), (3, "gamma")]
    # alpha and beta are 37 characters apart: the stretch holds beta and gamma.
    assert _quoted(text, strings) == "beta gamma"


def test_a_term_found_by_several_strings_counts_once():
    """The term's lower-case and capitalized strings, and its stem: one term held, found where
    the first of them ends."""
    strings = [(1, "rout"), (1, "Rout"), (1, "routing"), (2, "gateway")]
    text = "Routing and gateway"
    assert tightest_stretch(text, strings) == (0, 19)


def test_occurrences_of_one_string_do_not_overlap():
    # "aa" in "aaaa" is found at 0 and 2, and at 2 it does not start a word.
    assert tightest_stretch("aaaa", [(1, "aa")]) == (0, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("timers bound the wait", (0, 5)),
        ("the Timers", (4, 9)),
    ],
)
def test_the_capitalized_string_is_found_like_the_lower_case_one(text, expected):
    assert tightest_stretch(text, [(1, "timer"), (1, "Timer")]) == expected
