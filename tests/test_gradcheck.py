"""Numerical gradients: known derivatives, x restored, the sparse check, the relative error."""

import numpy as np
import pytest

from lib.gradcheck import grad_check_sparse, numerical_gradient, relative_error


def test_numerical_gradient_of_known_functions():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v**2), x), 2 * x, atol=1e-9)
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(np.sin(v)), x), np.cos(x), atol=1e-9)
    A = np.random.default_rng(0).normal(size=(4, 4))
    v = np.random.default_rng(1).normal(size=4)
    grad = numerical_gradient(lambda u: u @ A @ u, v)
    assert relative_error(grad, (A + A.T) @ v) < 1e-9


def test_x_is_restored_and_centred_differences_are_second_order():
    x = np.array([0.3, 1.7])
    before = x.copy()
    numerical_gradient(lambda v: np.sum(np.exp(v)), x, h=1e-3)
    np.testing.assert_array_equal(x, before)
    # the error of a centred difference shrinks like h^2: 10x smaller h, about 100x smaller error
    err = [abs(numerical_gradient(lambda v: np.sum(v**3), np.array([1.0]), h=h)[0] - 3.0)
           for h in (1e-2, 1e-3)]
    assert err[0] / err[1] == pytest.approx(100, rel=0.01)


def test_x_restored_even_when_f_fails():
    x = np.array([1.0, 2.0])

    def f(v):
        if v[0] > 1.0:
            raise RuntimeError("boom")
        return 0.0

    with pytest.raises(RuntimeError):
        numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_relative_error():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([1.0, 0.0], [0.0, 0.0]) == 1.0
    assert relative_error([1.0, 3.0], [1.0, 1.0]) == pytest.approx(2.0 / 4.0)


def test_grad_check_sparse_catches_a_wrong_gradient():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 7))
    f = lambda v: np.sum(v**2) / 2  # noqa: E731
    good = grad_check_sparse(f, x, x.copy(), num_checks=15)
    assert good.shape == (15,) and good.max() < 1e-8
    bad = grad_check_sparse(f, x, 1.1 * x, num_checks=15)
    assert bad.min() > 0.04  # |1.1x - x| / (1.1|x| + |x|) = 0.1 / 2.1
    np.testing.assert_array_equal(grad_check_sparse(f, x, x, seed=3), grad_check_sparse(f, x, x, seed=3))


def test_bad_input():
    with pytest.raises(TypeError, match="x"):
        numerical_gradient(lambda v: 0.0, np.array([1, 2]))
    with pytest.raises(TypeError, match="x"):
        numerical_gradient(lambda v: 0.0, [1.0, 2.0])
    with pytest.raises(ValueError, match="h"):
        numerical_gradient(lambda v: 0.0, np.zeros(2), h=0)
    with pytest.raises(ValueError, match="a and b"):
        relative_error(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="analytic_grad"):
        grad_check_sparse(lambda v: 0.0, np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="num_checks"):
        grad_check_sparse(lambda v: 0.0, np.zeros(3), np.zeros(3), num_checks=0)


def test_numerical_gradient_array_is_a_layers_backward_for_an_upstream_gradient():
    """For f(x) = A x, the gradient of sum(f(x) * dout) is A^T dout: what the layer's backward returns."""
    from lib.gradcheck import numerical_gradient_array

    rng = np.random.default_rng(0)
    A, x, dout = rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=3)
    np.testing.assert_allclose(numerical_gradient_array(lambda v: A @ v, x, dout), A.T @ dout, atol=1e-9)
