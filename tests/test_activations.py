"""lib.activations: derivatives against centred differences and torch autograd, maxout, the
collapse of stacked linear layers, the deep-net tools, and bad input."""

import numpy as np
import pytest
import torch

from lib.activations import (
    ACTIVATIONS,
    collapse_linear_layers,
    d_elu,
    d_leaky_relu,
    dead_relu_fraction,
    elu,
    layer_gradient_norms,
    leaky_relu,
    make_deep_net,
    maxout,
    maxout_backward,
    relu,
    sigmoid,
)
from lib.gradcheck import numerical_gradient, numerical_gradient_array, relative_error

TORCH = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
         "leaky_relu": torch.nn.functional.leaky_relu, "elu": torch.nn.functional.elu}


def _points():
    """Points on both sides of every kink, away from the kink itself (for centred differences)."""
    x = np.linspace(-6, 6, 41)
    return x[np.abs(x) > 1e-3] + 0.013


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_derivative_matches_numerical_gradient(name):
    f, df = ACTIVATIONS[name]
    x = _points()
    numeric = numerical_gradient(lambda z: f(z).sum(), x.copy())
    assert relative_error(df(x), numeric) < 1e-7


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_function_and_derivative_match_torch(name):
    f, df = ACTIVATIONS[name]
    x = np.concatenate([np.linspace(-30, 30, 61), [0.0, 1e-9, -1e-9]])  # the kink included
    x_t = torch.tensor(x, requires_grad=True)
    y_t = TORCH[name](x_t)
    y_t.sum().backward()
    assert np.allclose(f(x), y_t.detach().numpy(), rtol=1e-12, atol=1e-15)
    assert np.allclose(df(x), x_t.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_known_values():
    assert sigmoid(0.0) == 0.5 and ACTIVATIONS["sigmoid"][1](0.0) == 0.25
    assert np.isfinite(sigmoid(np.array([-1000.0, 1000.0]))).all()
    assert np.allclose(sigmoid(np.array([-1000.0, 1000.0])), [0, 1])
    assert np.allclose(relu(np.array([-2.0, 0.0, 3.0])), [0, 0, 3])
    assert np.allclose(leaky_relu(np.array([-2.0, 3.0]), alpha=0.1), [-0.2, 3])
    assert np.allclose(d_leaky_relu(np.array([-2.0, 3.0]), alpha=0.1), [0.1, 1])
    assert np.isclose(elu(-50.0, alpha=2.0), -2.0) and np.isclose(d_elu(-1.0), np.exp(-1))
    assert ACTIVATIONS["tanh"][1](0.0) == 1.0


def _maxout_problem(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(6, 3)), rng.normal(size=(4, 3)), rng.normal(size=4), \
        rng.normal(size=(4, 3)), rng.normal(size=4)


def test_maxout_special_cases_are_relu_and_leaky_relu():
    x, W1, b1, _, _ = _maxout_problem()
    z = x @ W1.T + b1
    assert np.allclose(maxout(x, W1, b1, np.zeros_like(W1), np.zeros(4)), relu(z))
    assert np.allclose(maxout(x, W1, b1, 0.1 * W1, 0.1 * b1), leaky_relu(z, alpha=0.1))


def test_maxout_backward_matches_torch_and_numerical_gradient():
    x, W1, b1, W2, b2 = _maxout_problem(1)
    dout = np.random.default_rng(2).normal(size=(6, 4))
    grads = maxout_backward(dout, x, W1, b1, W2, b2)
    tensors = [torch.tensor(a, requires_grad=True) for a in (x, W1, b1, W2, b2)]
    xt, W1t, b1t, W2t, b2t = tensors
    out = torch.maximum(xt @ W1t.T + b1t, xt @ W2t.T + b2t)
    (out * torch.tensor(dout)).sum().backward()
    for g, t in zip(grads, tensors, strict=True):
        assert relative_error(g, t.grad.numpy()) < 1e-12
    numeric = numerical_gradient_array(lambda z: maxout(z, W1, b1, W2, b2), x.copy(), dout)
    assert relative_error(grads[0], numeric) < 1e-7


def test_collapse_matches_two_layers_on_the_3_4_2_net():
    rng = np.random.default_rng(0)
    W1, b1, W2, b2 = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=(2, 4)), rng.normal(size=2)
    X = rng.normal(size=(10, 3))
    W, b = collapse_linear_layers(W1, b1, W2, b2)
    assert W.shape == (2, 3) and b.shape == (2,)
    assert np.allclose((X @ W1.T + b1) @ W2.T + b2, X @ W.T + b, rtol=0, atol=1e-12)


def test_make_deep_net_shapes_init_and_seed():
    net = make_deep_net("tanh", 3, 50, 20, 4, seed=1, init_scale=2.0, bias_init=-0.5)
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    assert [tuple(m.weight.shape) for m in linears] == [(50, 20), (50, 50), (4, 50)]
    assert sum(isinstance(m, torch.nn.Tanh) for m in net) == 2
    assert all(torch.all(m.bias == -0.5) for m in linears)
    std = float(linears[1].weight.detach().std())
    assert abs(std - 2.0 / 50**0.5) < 0.02  # N(0, init_scale^2 / fan_in), 2500 draws
    again = make_deep_net("tanh", 3, 50, 20, 4, seed=1, init_scale=2.0, bias_init=-0.5)
    assert all(torch.equal(a, b) for a, b in zip(net.parameters(), again.parameters(), strict=True))
    assert len(make_deep_net("relu", 1, 8, 5, 3)) == 1  # one Linear, no activation


def test_deep_linear_net_is_one_linear_map():
    net = make_deep_net("identity", 4, 6, 3, 2).double()
    W, b = net[0].weight.detach().numpy(), net[0].bias.detach().numpy()
    for layer in list(net)[1:]:
        if isinstance(layer, torch.nn.Linear):
            W, b = collapse_linear_layers(W, b, layer.weight.detach().numpy(), layer.bias.detach().numpy())
    X = np.random.default_rng(0).normal(size=(7, 3))
    assert np.allclose(net(torch.tensor(X)).detach().numpy(), X @ W.T + b, atol=1e-12)


def test_layer_gradient_norms_match_autograd_and_leave_no_grad():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 5)), rng.integers(0, 3, size=40)
    net = make_deep_net("sigmoid", 4, 16, 5, 3)
    norms = layer_gradient_norms(net, X, y)
    assert norms.shape == (4,)
    assert all(p.grad is None for p in net.parameters())
    loss = torch.nn.functional.cross_entropy(net(torch.tensor(X, dtype=torch.float32)), torch.tensor(y))
    grads = torch.autograd.grad(loss, [m.weight for m in net if isinstance(m, torch.nn.Linear)])
    assert np.allclose(norms, [float(g.norm()) for g in grads], rtol=1e-5)
    assert norms[0] < 0.1 * norms[-1]  # sigmoid: the gradient shrinks towards the input


def test_layer_gradient_norms_follow_the_models_precision():
    """A net made float64 (net.double()) gets its X in float64: norms to float64 precision."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 5)), rng.integers(0, 3, size=40)
    net = make_deep_net("tanh", 3, 16, 5, 3).double()
    norms = layer_gradient_norms(net, X, y)
    loss = torch.nn.functional.cross_entropy(net(torch.tensor(X)), torch.tensor(y))
    grads = torch.autograd.grad(loss, [m.weight for m in net if isinstance(m, torch.nn.Linear)])
    assert np.allclose(norms, [float(g.norm()) for g in grads], rtol=1e-13)
    single = layer_gradient_norms(net.float(), X, y)  # float32, as make_deep_net builds it
    assert not np.allclose(norms, single, rtol=1e-12) and np.allclose(norms, single, rtol=1e-4)
    assert dead_relu_fraction(make_deep_net("relu", 3, 8, 5, 2).double(), X).shape == (2,)


def test_dead_relu_fraction():
    X = np.random.default_rng(0).normal(size=(100, 5))
    assert np.all(dead_relu_fraction(make_deep_net("relu", 3, 30, 5, 2, bias_init=-100.0), X) == 1)
    alive = dead_relu_fraction(make_deep_net("relu", 3, 30, 5, 2), X)
    assert alive.shape == (2,) and np.all(alive < 0.2)
    assert dead_relu_fraction(make_deep_net("tanh", 3, 30, 5, 2), X).shape == (0,)
    net = make_deep_net("relu", 2, 4, 5, 2)
    with torch.no_grad():  # unit 0 always off, unit 1 always on (inputs are bounded by the bias)
        net[0].weight[:2] = 0
        net[0].bias[:2] = torch.tensor([-1.0, 1.0])
        net[0].weight[2:] = torch.eye(2, 5)
        net[0].bias[2:] = 0
    assert dead_relu_fraction(net, X)[0] == 0.25


def test_bad_input():
    x = np.zeros((2, 3))
    W, b = np.zeros((4, 3)), np.zeros(4)
    with pytest.raises(ValueError, match="activation"):
        make_deep_net("softplus", 3, 4, 2, 2)
    with pytest.raises(ValueError, match="depth"):
        make_deep_net("relu", 0, 4, 2, 2)
    with pytest.raises(ValueError, match="width"):
        make_deep_net("relu", 2, 2.5, 2, 2)
    with pytest.raises(ValueError, match="init_scale"):
        make_deep_net("relu", 2, 4, 2, 2, init_scale=0)
    with pytest.raises(ValueError, match="alpha"):
        leaky_relu(x, alpha=-1)
    with pytest.raises(ValueError, match="W1"):
        maxout(x, np.zeros((4, 2)), b, W, b)
    with pytest.raises(ValueError, match="b2"):
        maxout(x, W, b, W, np.zeros(3))
    with pytest.raises(ValueError, match="W1 and W2"):
        maxout(x, W, b, np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="x"):
        maxout(np.zeros(3), W, b, W, b)
    with pytest.raises(ValueError, match="dout"):
        maxout_backward(np.zeros((2, 5)), x, W, b, W, b)
    with pytest.raises(ValueError, match="W2"):
        collapse_linear_layers(W, b, np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="b1"):
        collapse_linear_layers(W, np.zeros(3), np.zeros((2, 4)), np.zeros(2))
    net = make_deep_net("relu", 2, 4, 3, 2)
    with pytest.raises(ValueError, match="y"):
        layer_gradient_norms(net, x, np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match="X"):
        dead_relu_fraction(net, np.zeros(3))
    with pytest.raises(TypeError, match="model"):
        dead_relu_fraction(torch.nn.Linear(3, 2), x)


def test_plot_layer_norms_draws_one_line_per_net():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lib.plot import plot_layer_norms

    fig, ax = plt.subplots()
    plot_layer_norms({"a": [1e-3, 1e-2, 1e-1], "b": np.ones(3)}, ax=ax, ylim=(1e-4, 10))
    assert len(ax.lines) == 2 and ax.get_yscale() == "log"
    assert np.allclose(ax.lines[0].get_xdata(), [1, 2, 3]) and ax.get_ylim() == (1e-4, 10)
    with pytest.raises(ValueError, match="norms"):
        plot_layer_norms({"a": np.ones((2, 2))}, ax=ax)
    plt.close(fig)


def test_activation_stds_watch_the_signal_die_or_survive():
    from lib.activations import activation_stds, make_deep_net

    X = np.random.default_rng(0).normal(size=(500, 100))
    small = activation_stds(make_deep_net("tanh", 6, 100, 100, 10, init_scale="small"), X)
    xavier = activation_stds(make_deep_net("tanh", 6, 100, 100, 10, init_scale="xavier"), X)
    assert len(small) == len(xavier) == 5  # one per hidden layer
    assert np.all(np.diff(small) < 0) and small[-1] < 1e-4  # each layer shrinks it ~10 times
    assert xavier.min() > 0.3 and xavier.max() < 0.8  # it stays of order 1
    relu = make_deep_net("relu", 4, 64, 100, 10, init_scale="he", residual=True)
    assert len(activation_stds(relu, X)) == 3  # inside Residual blocks too
