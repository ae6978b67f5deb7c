"""lib.tuning: grid and random search spaces."""

import numpy as np
import pytest

from lib.tuning import grid_configs, random_configs

SPACE = {"lr": (1e-4, 1.0, "log"), "dropout": (0.0, 0.5, "linear")}


def test_grid_tries_k_values_of_each_hyperparameter():
    grid = grid_configs(SPACE, 3)
    assert len(grid) == 9
    assert sorted({c["lr"] for c in grid}) == pytest.approx([1e-4, 1e-2, 1.0])  # even on the log scale
    assert sorted({c["dropout"] for c in grid}) == pytest.approx([0.0, 0.25, 0.5])


def test_random_search_tries_as_many_values_of_each_as_it_has_runs():
    configs = random_configs(SPACE, 9, seed=0)
    assert len({c["lr"] for c in configs}) == len({c["dropout"] for c in configs}) == 9
    assert all(1e-4 <= c["lr"] <= 1 and 0 <= c["dropout"] <= 0.5 for c in configs)
    assert configs == random_configs(SPACE, 9, seed=0) != random_configs(SPACE, 9, seed=1)
    lrs = np.log10([c["lr"] for c in random_configs(SPACE, 4000, seed=0)])
    assert abs(np.mean(lrs < -2) - 0.5) < 0.03  # log-uniform: half the draws below the middle decade


@pytest.mark.parametrize("call, word", [
    (lambda: grid_configs({}, 3), "space"),
    (lambda: grid_configs({"lr": (1.0, 0.1, "log")}, 3), "low < high"),
    (lambda: grid_configs({"lr": (0.0, 1.0, "log")}, 3), "low > 0"),
    (lambda: grid_configs({"lr": (0.1, 1.0, "cubic")}, 3), "scale"),
    (lambda: grid_configs(SPACE, 1), "points_per_axis"),
    (lambda: random_configs(SPACE, 0), "num"),
])
def test_bad_input_names_the_problem(call, word):
    with pytest.raises(ValueError, match=word):
        call()
