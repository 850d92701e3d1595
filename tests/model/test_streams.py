import numpy as np
import pytest

from izsim.model.streams import PURPOSES, Streams


def test_same_seed_same_draws_per_purpose() -> None:
    a, b = Streams(7), Streams(7)
    for purpose in PURPOSES:
        assert np.array_equal(a[purpose].random(5), b[purpose].random(5))


def test_purposes_are_independent_streams() -> None:
    streams = Streams(7)
    first = [streams[p].random(3).tolist() for p in PURPOSES]
    assert len({tuple(x) for x in first}) == len(PURPOSES)


def test_drawing_from_one_purpose_leaves_the_others_alone() -> None:
    a, b = Streams(3), Streams(3)
    a["inspections"].random(1000)
    assert np.array_equal(a["arrivals"].random(4), b["arrivals"].random(4))


def test_different_seeds_differ() -> None:
    assert not np.array_equal(Streams(1)["arrivals"].random(4), Streams(2)["arrivals"].random(4))


def test_negative_seed_is_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        Streams(-1)
