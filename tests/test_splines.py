"""lib.splines: the best one-hidden-layer ReLU fit of a 1-D sample, found by search."""

import numpy as np
import pytest
import torch

from lib.mlp import fit_relu_units, make_mlp, relu_pieces
from lib.splines import MAX_UNITS, best_relu_fit, best_relu_fits, relu_net_output

X = np.linspace(-1, 1, 120)
TARGET = np.sin(3 * X) + 0.3 * np.cos(7 * X)


def test_relu_net_output_is_the_torch_network():
    torch.manual_seed(0)
    net = make_mlp([1, 5, 1]).double()
    w, b = net[0].weight.detach().numpy()[:, 0], net[0].bias.detach().numpy()
    v, c = net[2].weight.detach().numpy()[0], float(net[2].bias.detach()[0])
    with torch.no_grad():
        expected = net(torch.as_tensor(X[:, None]))[:, 0].numpy()
    assert np.allclose(relu_net_output(X, w, b, v, c), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kinks, w, v", [([-0.5, 0.3], [1.0, -2.0], [1.5, -0.7]),
                                         ([-0.6, 0.0, 0.55], [-1.0, 1.0, 3.0], [0.8, -1.2, 0.9])])
def test_a_target_that_is_a_relu_network_is_recovered_exactly(kinks, w, v):
    w, kinks = np.array(w), np.array(kinks)
    y = relu_net_output(X, w, -w * kinks, v, 0.25)
    fit = best_relu_fit(X, y, len(kinks))
    assert fit.mse < 1e-20
    assert np.allclose(np.sort(fit.kinks), np.sort(kinks), atol=1e-6)
    assert np.allclose(fit(X), y, atol=1e-9)


def test_direction_matters_and_a_kink_outside_the_data_is_a_line():
    # a straight line is one unit: a hinge with its kink at or beyond the end of the data it faces away from
    fit = best_relu_fit(X, 2 * X - 0.5, 1)
    assert fit.mse < 1e-20
    assert (fit.w[0] > 0 and fit.kinks[0] <= X.min()) or (fit.w[0] < 0 and fit.kinks[0] >= X.max())
    # |x| needs two units (one kink and one linear piece): facing right only, one unit cannot
    one, two = best_relu_fits(X, np.abs(X), 2)
    assert one.mse > 1e-3 and two.mse < 1e-20


def test_errors_never_increase_with_units_and_beat_training():
    fits = best_relu_fits(X, TARGET, 6)
    errors = [fit.mse for fit in fits]
    assert all(b <= a for a, b in zip(errors, errors[1:], strict=False)), errors
    assert errors[-1] < errors[0] / 100
    for n, fit in enumerate(fits, start=1):
        assert len(fit.w) == n and np.isclose(np.mean((fit(X) - TARGET) ** 2), fit.mse, rtol=1e-9)
    for n in (2, 3, 4):
        torch.manual_seed(0)
        pieces, c, _ = relu_pieces(fit_relu_units(X, TARGET, n, num_epochs=150, lr=0.01), X)
        trained = np.mean((pieces.sum(axis=0) + c - TARGET) ** 2)
        assert fits[n - 1].mse <= trained * (1 + 1e-9), (n, fits[n - 1].mse, trained)


def test_the_search_is_deterministic():
    a, b = best_relu_fit(X, TARGET, 4), best_relu_fit(X, TARGET, 4)
    assert a.mse == b.mse and np.array_equal(a.b, b.b)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="same length|one length"):
        best_relu_fit(X, TARGET[:-1], 2)
    with pytest.raises(ValueError, match="max_units must be an integer from 1"):
        best_relu_fit(X, TARGET, MAX_UNITS + 1)
    with pytest.raises(ValueError, match="max_units"):
        best_relu_fit(X, TARGET, 0)
    with pytest.raises(ValueError, match="finite"):
        best_relu_fit(X, np.full_like(X, np.nan), 2)
    with pytest.raises(ValueError, match="two different values"):
        best_relu_fit(np.zeros(5), np.ones(5), 1)
