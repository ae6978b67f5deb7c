"""lib._checks: the argument checks every public function of lib shares, and their one message form."""

import numpy as np
import pytest

from lib._checks import integer, labels


def test_integer_takes_whole_numbers_and_names_what_it_refuses():
    assert integer("k", 3, 1) == 3 and integer("k", 3.0, 1) == 3 and integer("k", np.int64(0)) == 0
    for bad in (True, "3", 2.5, 0, None, float("nan"), float("inf")):
        with pytest.raises(ValueError, match=r"^k must be an integer >= 1, got "):
            integer("k", bad, 1)


def test_labels_are_one_integer_class_per_row():
    assert labels([0, 2, 1], 3, 3).dtype == np.int64
    assert labels(np.zeros(0, dtype=int), 0, 3).shape == (0,)
    with pytest.raises(ValueError, match=r"y must be \(N,\) = \(3,\) to match X"):
        labels([0, 1], 3, 3)
    with pytest.raises(ValueError, match="integer labels 0..2"):
        labels([0, 1, 3], 3, 3)
    with pytest.raises(ValueError, match="integer labels 0..2"):
        labels([0.0, 1.0, 2.0], 3, 3)
