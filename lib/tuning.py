"""Choosing hyperparameters: grid search and random search over the same budget of runs.

A search space maps each hyperparameter's name to (low, high, scale), scale "log" for the
ones whose effect is multiplicative (learning rates, regularization strengths) and "linear"
for the rest. Bergstra and Bengio (2012) showed why random search wins when only a few of the
hyperparameters matter: a grid of k^d runs tries only k values of each, random search as many
values of each as it has runs. Introduced in the chapter on training in practice.
"""

import itertools

import numpy as np

from lib._checks import integer

SCALES = ("log", "linear")


def _check_space(space):
    if not isinstance(space, dict) or not space:
        raise ValueError(f"space must be a non-empty dict name -> (low, high, scale), got {space!r}")
    for name, spec in space.items():
        if not isinstance(spec, tuple | list) or len(spec) != 3 or spec[2] not in SCALES:
            raise ValueError(f"space[{name!r}] must be (low, high, scale) with scale in {SCALES}, "
                             f"got {spec!r}")
        low, high, scale = spec
        if not low < high or (scale == "log" and not low > 0):
            raise ValueError(f"space[{name!r}] needs low < high (and low > 0 on a log scale), got {spec!r}")
    return space


def _from_unit(u, low, high, scale):
    """Map u in [0, 1] onto [low, high], evenly on the scale given."""
    if scale == "log":
        return float(np.exp(np.log(low) + u * (np.log(high) - np.log(low))))
    return float(low + u * (high - low))


def grid_configs(space, points_per_axis):
    """Every combination of points_per_axis values of each hyperparameter, evenly spaced on its
    scale with both ends included: points_per_axis ** len(space) settings, as a list of dicts."""
    _check_space(space)
    k = integer("points_per_axis", points_per_axis, 2)
    axes = [[_from_unit(u, *spec) for u in np.linspace(0, 1, k)] for spec in space.values()]
    return [dict(zip(space, values, strict=True)) for values in itertools.product(*axes)]


def random_configs(space, num, seed=0):
    """num settings, each hyperparameter drawn independently and uniformly on its scale
    (log-uniform for "log"), as a list of dicts."""
    _check_space(space)
    num = integer("num", num, 1)
    rng = np.random.default_rng(seed)
    return [{name: _from_unit(rng.random(), *spec) for name, spec in space.items()} for _ in range(num)]
