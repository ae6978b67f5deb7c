import math

import numpy as np
import pytest
import torch

from lib.autodiff import (
    Dual,
    Value,
    evaluate,
    forward_mode_gradient,
    jvp,
    random_expression,
    reverse_mode_gradient,
)


def worked_example(w1=3.0, b1=1.0, w2=2.0, b2=-5.0, x=1.0, t=1.0):
    params = [Value(v, name) for v, name in zip([w1, b1, w2, b2], ["w1", "b1", "w2", "b2"], strict=True)]
    w1, b1, w2, b2 = params
    L = (w2 * (w1 * x + b1).relu() + b2 - t) ** 2
    L.backward()
    return L, params


def test_cpsc425_worked_example():
    L, params = worked_example()
    assert L.data == 4.0
    assert [p.grad for p in params] == [8.0, 8.0, 16.0, 4.0]
    updated = [p.data - 0.25 * p.grad for p in params]
    assert updated == [1.0, -1.0, -2.0, -6.0]  # the deck's update, with alpha = 0.25
    assert worked_example(*updated)[0].data == 49.0  # ... which overshoots
    smaller = [p.data - 0.02 * p.grad for p in params]
    assert worked_example(*smaller)[0].data < L.data


def test_single_neuron_chain_rule():
    w, b, x, y = Value(0.7), Value(-0.2), 1.5, 0.3
    L = 0.5 * (y - (w * x + b).sigmoid()) ** 2
    L.backward()
    s = 1 / (1 + math.exp(-(0.7 * 1.5 - 0.2)))
    assert math.isclose(w.grad, -(y - s) * s * (1 - s) * x, rel_tol=1e-12)
    assert math.isclose(b.grad, -(y - s) * s * (1 - s), rel_tol=1e-12)


def test_every_op_matches_calculus():
    for name, expected in [("relu", 1.0), ("tanh", 1 - math.tanh(0.8) ** 2), ("exp", math.exp(0.8)),
                           ("log", 1 / 0.8), ("sin", math.cos(0.8)),
                           ("sigmoid", math.exp(-0.8) / (1 + math.exp(-0.8)) ** 2)]:
        a = Value(0.8)
        getattr(a, name)().backward()
        assert math.isclose(a.grad, expected, rel_tol=1e-12), name
    a, b = Value(3.0), Value(-2.0)
    for out, da, db in [(a + b, 1, 1), (a - b, 1, -1), (a * b, -2, 3), (a / b, -0.5, -0.75), (-a, -1, 0),
                        (a ** 3, 27, 0), (2 - a, -1, 0), (6 / a, -6 / 9, 0), (a.relu() * 0, 0, 0)]:
        a.grad = b.grad = 0.0  # backward() resets only the nodes of its own graph
        out.backward()
        assert (a.grad, b.grad) == pytest.approx((da, db), rel=1e-12)


def test_random_expressions_match_torch():
    rng = np.random.default_rng(0)
    for _ in range(300):
        expression = random_expression(rng, num_leaves=4, depth=6)
        x = rng.uniform(-2, 2, size=4)
        leaves = [Value(v) for v in x]
        out = evaluate(expression, leaves)
        out.backward()
        x_t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        out_t = evaluate(expression, list(x_t.unbind()))
        (grad_t,) = torch.autograd.grad(out_t, x_t, allow_unused=True)
        grad_t = np.zeros(4) if grad_t is None else grad_t.numpy()
        assert math.isclose(out.data, out_t.item(), rel_tol=1e-10, abs_tol=1e-10)
        np.testing.assert_allclose([v.grad for v in leaves], grad_t, rtol=1e-10, atol=1e-10)


def test_forward_mode_equals_reverse_mode():
    rng = np.random.default_rng(1)
    for _ in range(100):
        expression = random_expression(rng, num_leaves=3, depth=5)
        f = lambda xs, e=expression: evaluate(e, xs)  # noqa: E731
        x = rng.uniform(-2, 2, size=3)
        value_f, grad_f, _ = forward_mode_gradient(f, x)
        value_r, grad_r, _ = reverse_mode_gradient(f, x)
        assert math.isclose(value_f, value_r, rel_tol=1e-12, abs_tol=1e-12)
        np.testing.assert_allclose(grad_f, grad_r, rtol=1e-10, atol=1e-12)
        v = rng.normal(size=3)
        assert math.isclose(jvp(f, x, v)[1], grad_r @ v, rel_tol=1e-9, abs_tol=1e-12)


def test_deck_function_both_modes():
    f = lambda x: x[0] * x[1] + x[0].sin()  # noqa: E731
    expected = [5 + math.cos(2), 2]
    for mode in (forward_mode_gradient, reverse_mode_gradient):
        value, grad, _ = mode(f, [2.0, 5.0])
        assert value == pytest.approx(10 + math.sin(2)) and grad == pytest.approx(expected)
    d = Dual(2.0, 1.0) * Dual(5.0, 0.0) + Dual(2.0, 1.0).sin()
    assert d.tangent == pytest.approx(expected[0])


def test_operation_counts():
    for n in [1, 5, 40]:
        f = lambda x: sum(x[i] * x[i - 1] for i in range(len(x)))  # noqa: E731
        _, _, one_pass = jvp(f, np.ones(n), np.eye(n)[0])
        _, _, forward_ops = forward_mode_gradient(f, np.ones(n))
        _, _, reverse_ops = reverse_mode_gradient(f, np.ones(n))
        assert one_pass == 2 * n  # n products and n additions (the first adds 0)
        assert forward_ops == n * one_pass and reverse_ops == 2 * one_pass


def test_deep_graph_and_shared_nodes():
    x = Value(1.0)
    y = x
    for _ in range(5000):  # deeper than Python's recursion limit
        y = y * 1.0001
    y.backward()
    assert x.grad == pytest.approx(1.0001 ** 5000)
    a = Value(3.0)
    b = a * a  # a used twice: gradients accumulate
    c = b + b
    c.backward()
    assert a.grad == 12.0 and b.grad == 2.0
    c.backward()  # a second call resets before accumulating
    assert a.grad == 12.0


def test_plot_computational_graph():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lib.plot_graph import plot_computational_graph

    L, _ = worked_example()
    fig, ax = plt.subplots()
    assert plot_computational_graph(L, ax=ax) is ax
    texts = [t.get_text() for t in ax.texts]
    assert "w1" in texts and "16" in texts and "−" in texts  # a leaf, dL/dw2, the subtraction
    plt.close(fig)


def test_a_wrapped_graph_keeps_its_nodes_and_goes_on_below():
    """wrap=k: at most k operation columns side by side, the rest in bands below (for a phone)."""
    from lib.plot_graph import _graph_layout

    L, _ = worked_example()
    order = L.topological_order()
    flat, wrapped = _graph_layout(order), _graph_layout(order, wrap=2)
    assert set(flat) == set(wrapped) == {id(n) for n in order}
    assert max(c for c, _ in flat.values()) > 2
    assert max(c for c, _ in wrapped.values()) <= 2 < max(c for c, _ in flat.values())
    assert min(r for _, r in wrapped.values()) < 0 <= min(r for _, r in flat.values())
    with pytest.raises(ValueError, match="wrap"):
        _graph_layout(order, wrap=0)


def test_bad_input():
    with pytest.raises(TypeError, match="data"):
        Value("3")
    with pytest.raises(TypeError, match="other"):
        Value(1.0) + "a"
    with pytest.raises(TypeError, match="exponent"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(TypeError, match="tangent"):
        Dual(1.0, None)
    with pytest.raises(ValueError, match="v must have the shape of x"):
        jvp(lambda x: x[0], [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="x must be"):
        reverse_mode_gradient(lambda x: x[0], [[1.0]])
    with pytest.raises(TypeError, match="f must return"):
        forward_mode_gradient(lambda x: 3.0, [1.0])
    with pytest.raises(ValueError, match="num_leaves"):
        random_expression(np.random.default_rng(0), num_leaves=0)
    with pytest.raises(ValueError, match="depth"):
        random_expression(np.random.default_rng(0), depth=0)
