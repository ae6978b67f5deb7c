"""The argument checks that lib's public functions share, so that each states its checks in a line
and every error reads the same way: "<name> must be <what>, got <value>"."""

import numpy as np


def integer(name, value, minimum=0):
    """value as an int, if it is a whole number >= minimum (3 and 3.0 are; True and "3" are not)."""
    try:
        ok = not isinstance(value, bool | str) and int(value) == value and value >= minimum
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def labels(y, N, num_classes, name="X"):
    """y as an int array (N,) of class labels 0..num_classes-1, one for each row of `name`."""
    y = np.asarray(y)
    if y.shape != (N,):
        raise ValueError(f"y must be (N,) = ({N},) to match {name}, got shape {y.shape}")
    if N and (not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"y must hold integer labels 0..{num_classes - 1}, got {np.unique(y)}")
    return y.astype(np.int64)


def positive(name, value):
    """value as a float, if it is a real number > 0."""
    import numbers

    if not isinstance(value, numbers.Real) or isinstance(value, bool) or not value > 0:
        raise ValueError(f"{name} must be a number > 0, got {value!r}")
    return float(value)
