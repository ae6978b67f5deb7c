"""Numerical gradients by centred differences, and the relative error used to compare gradients.

A gradient check: derive the analytic gradient, then compare it with
(f(x + h e_k) - f(x - h e_k)) / 2h at every (or a few random) entries k.
Introduced in the chapter on loss functions; numerical_gradient_array (a layer's gradient
against an upstream gradient) in the one on backpropagation.
"""

import numpy as np

from lib._checks import integer

TINY = 1e-300  # keeps 0 / 0 out of relative_error when both arguments are zero


def _check_x(x, h):
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a float numpy array (it is nudged in place), got {type(x).__name__}"
                        + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else ""))
    if not h > 0:
        raise ValueError(f"h must be > 0, got {h}")


def _centred_difference(f, x, index, h):
    old = x[index]
    try:
        x[index] = old + h
        f_plus = float(f(x))
        x[index] = old - h
        f_minus = float(f(x))
    finally:
        x[index] = old  # restored even if f raises
    return (f_plus - f_minus) / (2 * h)


def numerical_gradient(f, x, h=1e-5):
    """The gradient of a scalar function f at x by centred differences: an array shaped like x.

    x: a float array of any shape, nudged in place one entry at a time and restored.
    Each entry costs two calls of f; the error is O(h^2).
    """
    _check_x(x, h)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        grad[index] = _centred_difference(f, x, index, h)
    return grad


def numerical_gradient_array(f, x, dout, h=1e-5):
    """The gradient of sum(f(x) * dout) at x: what a layer's backward pass returns for the
    upstream gradient dout (cs231n's eval_numerical_gradient_array). f maps x to an array
    shaped like dout; x is nudged in place and restored, as in numerical_gradient.
    """
    dout = np.asarray(dout, dtype=np.float64)
    return numerical_gradient(lambda v: np.sum(f(v) * dout), x, h)


def relative_error(a, b):
    """max |a - b| / max(|a| + |b|): 0 for equal arrays, about 1e-7 or less for a correct gradient."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), TINY))


def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, seed=0):
    """Compare analytic_grad with centred differences at num_checks random entries of x.

    Returns the relative error at each checked entry: (num_checks,). Cheap where x is large
    (the lectures' grad_check_sparse), since only 2 * num_checks calls of f are made.
    """
    _check_x(x, h)
    analytic_grad = np.asarray(analytic_grad, dtype=np.float64)
    if analytic_grad.shape != x.shape:
        raise ValueError(f"analytic_grad must have x's shape {x.shape}, got {analytic_grad.shape}")
    num_checks = integer("num_checks", num_checks, 1)
    rng = np.random.default_rng(seed)
    errors = np.zeros(int(num_checks))
    for k in range(int(num_checks)):
        index = tuple(int(rng.integers(n)) for n in x.shape)
        numeric, analytic = _centred_difference(f, x, index, h), analytic_grad[index]
        errors[k] = abs(numeric - analytic) / max(abs(numeric) + abs(analytic), TINY)
    return errors
