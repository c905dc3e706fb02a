"""The benchmark harness's pure parts. Nothing here times anything: benchmarks are not tests."""

import math

import pytest

from bench import stats
from bench.load import Request, label_of
from bench.scenarios import Scenario, all_scenarios


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([5.0], 50, 5.0),
        ([5.0], 99, 5.0),
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([4.0, 1.0, 3.0, 2.0], 50, 2.5),  # order does not matter
        ([1.0, 2.0, 3.0, 4.0, 5.0], 0, 1.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 100, 5.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 25, 2.0),
        (list(range(1, 101)), 99, 99.01),  # numpy.percentile(range(1, 101), 99)
        ([10.0, 20.0], 90, 19.0),
    ],
)
def test_percentile_interpolates_linearly_between_ranks(values, q, expected):
    assert stats.percentile(values, q) == pytest.approx(expected)


def test_percentile_of_nothing_is_undefined_and_bad_q_is_refused():
    assert math.isnan(stats.percentile([], 50))
    with pytest.raises(ValueError):
        stats.percentile([1.0], 101)
    with pytest.raises(ValueError):
        stats.percentile([1.0], -1)


def test_pairwise_ratios_divide_each_candidate_by_its_own_baseline():
    assert stats.pairwise_ratios([100.0, 50.0, 200.0], [25.0, 25.0, 20.0]) == [0.25, 0.5, 0.1]
    assert math.isnan(stats.pairwise_ratios([0.0], [3.0])[0])
    with pytest.raises(ValueError, match="unpaired"):
        stats.pairwise_ratios([1.0, 2.0], [1.0])


def test_median_ratio_is_the_median_of_pairwise_ratios_not_the_ratio_of_medians():
    # The machine's speed drifted from pair to pair; within a pair both arms saw the same speed.
    baseline = [1000.0, 400.0, 600.0]
    candidate = [250.0, 100.0, 300.0]
    assert stats.pairwise_ratios(baseline, candidate) == [0.25, 0.25, 0.5]
    assert stats.median_ratio(baseline, candidate) == pytest.approx(0.25)
    assert stats.median(candidate) / stats.median(baseline) == pytest.approx(250 / 600)


def test_median_ratio_skips_pairs_whose_baseline_served_nothing():
    assert stats.median_ratio([0.0, 100.0, 100.0], [5.0, 50.0, 70.0]) == pytest.approx(0.6)


def test_interleaving_puts_every_arm_once_in_each_cycle_alternating_the_order():
    assert stats.interleave(2, 4) == [
        (0, 0), (0, 1),
        (1, 1), (1, 0),
        (2, 0), (2, 1),
        (3, 1), (3, 0),
    ]  # fmt: skip
    assert stats.interleave(3, 2) == [(0, 0), (0, 1), (0, 2), (1, 2), (1, 1), (1, 0)]
    assert stats.interleave(1, 3) == [(0, 0), (1, 0), (2, 0)]
    assert stats.interleave(2, 0) == []
    with pytest.raises(ValueError):
        stats.interleave(0, 1)


def test_interleaving_keeps_each_pair_adjacent_in_time():
    order = stats.interleave(2, 5)
    for cycle in range(5):
        positions = [i for i, (c, _) in enumerate(order) if c == cycle]
        assert positions == [2 * cycle, 2 * cycle + 1]


def test_scenarios_are_found_by_name_and_compare_against_ok():
    scenarios = all_scenarios()
    page = scenarios["meeting-page"]
    assert isinstance(page, Scenario)
    assert page.default
    assert label_of(page.baseline) == "/ok"
    assert label_of(page.candidate) == "/meetings/sg11-wp1-2020-11-19/"
    assert not scenarios["ok"].default


def test_request_labels_name_the_method_unless_get():
    assert Request("/ok").label == "/ok"
    assert Request("/x", method="POST").label == "POST /x"
