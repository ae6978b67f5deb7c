"""Multi-layer perceptrons: building, counting, ReLU pieces, spline fits and the bump construction."""

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from lib.mlp import (  # noqa: E402
    bump_approximation,
    count_parameters,
    fit_relu_units,
    make_mlp,
    relu_pieces,
)


def test_make_mlp_alternates_linear_layers_and_activations():
    model = make_mlp([3, 4, 5, 2], activation="tanh")
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert [(m.in_features, m.out_features) for m in model[::2]] == [(3, 4), (4, 5), (5, 2)]
    assert model(torch.zeros(7, 3)).shape == (7, 2)
    assert len(make_mlp([5, 3])) == 1  # no hidden layer: a linear classifier


def test_batchnorm_sits_between_each_hidden_linear_and_its_activation():
    model = make_mlp([3, 4, 5, 2], activation="relu", batchnorm=True)
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "BatchNorm1d", "ReLU", "Linear", "BatchNorm1d", "ReLU", "Linear"]
    assert [m.num_features for m in model if isinstance(m, torch.nn.BatchNorm1d)] == [4, 5]
    out = model[:2](torch.randn(16, 3) * 7 + 3)  # training mode: normalized over the batch
    assert torch.allclose(out.mean(0), torch.zeros(4), atol=1e-5)
    assert torch.allclose(out.var(0, unbiased=False), torch.ones(4), atol=1e-3)
    from lib.activations import make_deep_net

    net = make_deep_net("relu", 3, 8, 4, 2, seed=0, batchnorm=True, bias_init=0.5)
    assert sum(isinstance(m, torch.nn.BatchNorm1d) for m in net) == 2
    assert all(m.bias.detach().min().item() == 0.5 for m in net if isinstance(m, torch.nn.Linear))  # its init


def test_make_mlp_computes_w2_relu_w1_x():
    torch.manual_seed(0)
    model = make_mlp([3, 4, 2])
    X = torch.randn(6, 3)
    W1, b1, W2, b2 = model[0].weight, model[0].bias, model[2].weight, model[2].bias
    expected = torch.clamp(X @ W1.T + b1, min=0) @ W2.T + b2
    assert torch.allclose(model(X), expected)


def test_identity_activation_collapses_to_one_linear_layer():
    torch.manual_seed(0)
    model = make_mlp([3, 4, 2], activation="identity")
    X = torch.randn(5, 3)
    W = model[2].weight @ model[0].weight
    b = model[2].weight @ model[0].bias + model[2].bias
    assert torch.allclose(model(X), X @ W.T + b, atol=1e-6)


def test_count_parameters_reproduces_the_decks_3_4_2_network():
    assert count_parameters(make_mlp([3, 4, 2])) == {"neurons": 6, "weights": 20, "biases": 6,
                                                     "parameters": 26}
    counts = count_parameters(make_mlp([1000, 100, 10]))
    assert counts["weights"] == 101_000 and counts["parameters"] == 101_110
    counts = count_parameters(torch.nn.Sequential(torch.nn.Linear(3, 4, bias=False)))
    assert counts == {"neurons": 4, "weights": 12, "biases": 0, "parameters": 12}


def test_relu_pieces_sum_to_the_network_and_kinks_are_where_units_switch_on():
    torch.manual_seed(0)
    model = make_mlp([1, 7, 1])
    x = np.linspace(-3, 3, 101)
    pieces, bias, kinks = relu_pieces(model, x)
    assert pieces.shape == (7, 101) and kinks.shape == (7,)
    with torch.no_grad():
        out = model(torch.tensor(x[:, None], dtype=torch.float32)).numpy()[:, 0]
    assert np.allclose(pieces.sum(axis=0) + bias, out, atol=1e-5)
    w = model[0].weight.detach().numpy()[:, 0].astype(float)
    b = model[0].bias.detach().numpy().astype(float)
    assert np.allclose(w * kinks + b, 0, atol=1e-6)
    with torch.no_grad():
        model[0].weight[0] = 0.0
    assert np.isnan(relu_pieces(model, x)[2][0])


def test_fit_relu_units_error_falls_as_units_are_added():
    x = np.linspace(-1, 1, 100)
    y = np.sin(3 * x)
    errors = []
    for n in [2, 4, 16]:
        model = fit_relu_units(x, y, n, num_epochs=200, seed=0)
        pieces, bias, _ = relu_pieces(model, x)
        errors.append(np.mean((pieces.sum(axis=0) + bias - y) ** 2))
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 1e-3 and errors[0] > 10 * errors[2]


def test_bump_approximation_is_a_sum_of_bumps_and_converges():
    x = np.linspace(-1, 1, 400)
    f = np.sin
    errors = []
    for n in [4, 8, 16, 32]:
        y_hat, bumps = bump_approximation(f, x, n, return_bumps=True)
        assert bumps.shape == (n, 400) and np.allclose(bumps.sum(axis=0), y_hat)
        errors.append(np.abs(y_hat - f(x)).max())
        # a 1-Lipschitz f is within one bin width of the bump heights everywhere
        assert errors[-1] <= 2.0 / n
    assert all(a > b for a, b in zip(errors, errors[1:], strict=False))
    y_relu = bump_approximation(f, x, 16, activation="relu")
    assert np.abs(y_relu - f(x)).max() <= 2.0 / 16


def test_bump_heights_are_f_at_bin_centres():
    centres = np.array([-0.75, -0.25, 0.25, 0.75])
    y_hat = bump_approximation(lambda t: t ** 2, centres, 4, domain=(-1.0, 1.0))
    assert np.allclose(y_hat, centres ** 2, atol=1e-9)
    y_relu = bump_approximation(lambda t: t ** 2, centres, 4, domain=(-1.0, 1.0), activation="relu")
    assert np.allclose(y_relu, centres ** 2)


@pytest.mark.parametrize("call, match", [
    (lambda: make_mlp([3]), "sizes"),
    (lambda: make_mlp([3, 0, 2]), "sizes"),
    (lambda: make_mlp([3, 2.5, 2]), "sizes"),
    (lambda: make_mlp([3, 4, 2], activation="softplus"), "activation"),
    (lambda: count_parameters(torch.nn.Sequential(torch.nn.ReLU())), "Linear"),
    (lambda: relu_pieces(make_mlp([2, 3, 1]), np.zeros(4)), "model"),
    (lambda: relu_pieces(make_mlp([1, 3, 1], activation="tanh"), np.zeros(4)), "model"),
    (lambda: relu_pieces(make_mlp([1, 3, 1]), np.zeros((4, 1))), "x"),
    (lambda: fit_relu_units(np.zeros((4, 1)), np.zeros(4), 3), "x"),
    (lambda: fit_relu_units(np.zeros(4), np.zeros(5), 3), "y"),
    (lambda: fit_relu_units(np.zeros(4), np.zeros(4), 0), "num_units"),
    (lambda: bump_approximation(np.sin, np.zeros((2, 2)), 3), "x"),
    (lambda: bump_approximation(np.sin, np.zeros(3), 0), "num_bumps"),
    (lambda: bump_approximation(np.sin, np.zeros(3), 2.5), "num_bumps"),
    (lambda: bump_approximation(np.sin, np.zeros(3), 3, steepness=0), "steepness"),
    (lambda: bump_approximation(np.sin, np.zeros(3), 3), "domain"),
    (lambda: bump_approximation(np.sin, np.zeros(3), 3, activation="tanh"), "activation"),
    (lambda: bump_approximation(lambda t: 1.0, np.linspace(0, 1, 3), 3), "f"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_non_callable_f_and_non_module_model_are_type_errors():
    with pytest.raises(TypeError, match="f"):
        bump_approximation(3.0, np.zeros(3), 3)
    with pytest.raises(TypeError, match="model"):
        count_parameters([1, 2])


def test_dropout_and_residual_blocks():
    from lib.mlp import Residual

    model = make_mlp([3, 8, 8, 8, 2], dropout=0.2, residual=True)
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "ReLU", "Dropout", "Residual", "Residual", "Linear"]  # 8 -> 8 layers skip
    block = model[3]
    assert isinstance(block, Residual) and [type(m).__name__ for m in block] == ["Linear", "ReLU", "Dropout"]
    h = torch.randn(5, 8)
    block.eval()
    assert torch.allclose(block(h), h + torch.relu(block[0](h)))  # x + f(x)
    assert make_mlp([3, 8, 2], residual=True)[0].__class__.__name__ == "Linear"  # no 8 -> 8 layer: no block
    with pytest.raises(ValueError, match="dropout"):
        make_mlp([3, 4, 2], dropout=1.0)


def test_deep_net_initializations_by_name():
    from lib.activations import INITS, make_deep_net

    for name, expected in [("small", lambda fi, fo: 0.01), ("xavier", lambda fi, fo: (2 / (fi + fo)) ** 0.5),
                           ("he", lambda fi, fo: (2 / fi) ** 0.5)]:
        net = make_deep_net("relu", 3, 400, 300, 10, seed=0, init_scale=name)
        for linear in (m for m in net if isinstance(m, torch.nn.Linear)):
            fan_out, fan_in = linear.weight.shape
            std = linear.weight.detach().std().item()
            assert std == pytest.approx(expected(fan_in, fan_out), rel=0.05), name
    assert set(INITS) == {"small", "xavier", "he"}
    residual = make_deep_net("relu", 4, 16, 8, 2, init_scale="he", residual=True)
    linears = [m for m in residual.modules() if isinstance(m, torch.nn.Linear)]
    assert all(m.bias.detach().abs().max().item() == 0 for m in linears)
    with pytest.raises(ValueError, match="init_scale"):
        make_deep_net("relu", 3, 8, 4, 2, init_scale="lecun")
