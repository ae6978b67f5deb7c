"""Multi-layer perceptrons: build them, count them, look inside them, and approximate with them.

A fully connected network alternates linear layers and an elementwise nonlinearity,
f(x) = W_L act(... act(W_1 x + b_1) ...) + b_L. The functions here build such networks in
torch, count their neurons and parameters, split a one-hidden-layer ReLU network on a 1-D
input into its units' linear pieces (the network as a linear spline), and carry out the
constructive half of the universal approximation theorem with steep steps and bumps.
Introduced in the chapter on multi-layer perceptrons.
"""

import numpy as np

from lib._checks import integer
from lib.activations import torch_activation


def make_mlp(sizes, activation="relu", batchnorm=False, dropout=0.0, residual=False):
    """A fully connected network as torch.nn.Sequential: Linear, act, Linear, ..., Linear.

    sizes: [D_in, H_1, ..., H_k, D_out], at least two positive integers; there is one
    nn.Linear (with bias) between consecutive sizes and the activation (a name of
    lib.activations.TORCH_NAMES: "relu", "sigmoid", "tanh", "identity", ...) after every layer
    but the last. make_mlp([2, 64, 3]) maps (N, 2)
    inputs to (N, 3) scores. Weights start at torch's default initialization, so seed first.
    batchnorm=True puts an nn.BatchNorm1d after every Linear but the last, before its
    activation, as Ioffe and Szegedy do (introduced in the chapter on convolutional networks).
    dropout=p > 0 puts an nn.Dropout(p) after every hidden activation. residual=True makes
    every hidden layer whose input and output widths agree a Residual block, h + f(h)
    (introduced in the chapter on training in practice).
    """
    import torch

    sizes = list(sizes)
    if len(sizes) < 2 or any(int(s) != s or s < 1 for s in sizes):
        raise ValueError(f"sizes must be a list of at least two positive integers, got {sizes}")
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")
    torch_activation(activation)  # a clear error before any layer is built
    layers, last = [], len(sizes) - 2
    for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layer = [torch.nn.Linear(int(d_in), int(d_out))]
        if i < last:
            layer += [torch.nn.BatchNorm1d(int(d_out))] if batchnorm else []
            layer.append(torch_activation(activation))
            layer += [torch.nn.Dropout(dropout)] if dropout > 0 else []
        layers += [_residual_class()(*layer)] if residual and i < last and d_in == d_out else layer
    return torch.nn.Sequential(*layers)


def _residual_class():
    """lib.mlp.Residual, defined on first use so that importing lib needs no torch."""
    if "Residual" not in globals():
        import torch

        class Residual(torch.nn.Sequential):
            """x + f(x), f the layers given (run in order): the skip connection of He et al.'s ResNets."""

            def forward(self, x):
                return x + super().forward(x)

        globals()["Residual"] = Residual
    return globals()["Residual"]


def __getattr__(name):
    if name == "Residual":
        return _residual_class()
    raise AttributeError(f"module 'lib.mlp' has no attribute {name!r}")


def count_parameters(model):
    """Count a network's neurons, weights, biases and learnable parameters, from the model itself.

    Neurons are the units of every non-input layer (the out_features of each nn.Linear);
    weights are the entries of the weight matrices, biases the entries of the bias vectors,
    and parameters every learnable number (for a plain MLP, weights + biases).
    Returns dict(neurons=..., weights=..., biases=..., parameters=...).
    """
    import torch

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    if not linears:
        raise ValueError("model must contain at least one torch.nn.Linear layer")
    return {"neurons": sum(m.out_features for m in linears),
            "weights": sum(m.weight.numel() for m in linears),
            "biases": sum(m.bias.numel() for m in linears if m.bias is not None),
            "parameters": sum(p.numel() for p in model.parameters() if p.requires_grad)}


def _relu_net_weights(model):
    """(w, b, v, c) as float64 arrays of shape (H,) and a float, for Linear(1, H), ReLU, Linear(H, 1)."""
    import torch

    layers = list(model) if isinstance(model, torch.nn.Sequential) else []
    if (len(layers) != 3 or not isinstance(layers[0], torch.nn.Linear)
            or not isinstance(layers[1], torch.nn.ReLU) or not isinstance(layers[2], torch.nn.Linear)
            or layers[0].in_features != 1 or layers[2].out_features != 1):
        raise ValueError("model must be Sequential(Linear(1, H), ReLU(), Linear(H, 1)), "
                         "as make_mlp([1, H, 1]) builds")
    first, last = layers[0], layers[2]
    to_np = lambda t: t.detach().cpu().double().numpy()  # noqa: E731
    return (to_np(first.weight)[:, 0], to_np(first.bias), to_np(last.weight)[0],
            float(to_np(last.bias)[0]))


def rounded(values, digits):
    """values (an array or nested list) as nested lists of floats rounded to `digits` significant digits:
    a page demo's state (lib.widgets.PageDemo), small as JSON."""
    round_one = np.vectorize(lambda v: float(f"{v:.{digits}g}"), otypes=[float])
    return round_one(np.asarray(values, dtype=np.float64)).tolist()


def hidden_layer_weights(model, digits=5):
    """W1 (H, D), b1 (H,), W2 (C, H), b2 (C,) of a one-hidden-layer network make_mlp([D, H, C]), as
    lists rounded to `digits` significant digits (the state of lib/js/capacity.js)."""
    import torch

    layers = list(model) if isinstance(model, torch.nn.Sequential) else []
    linears = [m for m in layers if isinstance(m, torch.nn.Linear)]
    if len(linears) != 2 or len(layers) != 3:
        raise ValueError("model must be Sequential(Linear, activation, Linear), as make_mlp([D, H, C]) makes")
    to_np = lambda t: t.detach().cpu().double().numpy()  # noqa: E731
    return {"W1": rounded(to_np(linears[0].weight), digits), "b1": rounded(to_np(linears[0].bias), digits),
            "W2": rounded(to_np(linears[1].weight), digits), "b2": rounded(to_np(linears[1].bias), digits)}


def relu_pieces(model, x):
    """Split a 1-hidden-layer ReLU network on a 1-D input into its units' contributions.

    model: make_mlp([1, H, 1]); x: (M,) input points. Unit j contributes
    v_j * max(0, w_j x + b_j), a hinge whose kink sits at x = -b_j / w_j.
    Returns pieces: (H, M), the output bias c (a float) with pieces.sum(0) + c equal to the
    network's output, and kinks: (H,) (nan for a unit with w_j = 0, which is constant).
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-D array (M,), got shape {x.shape}")
    w, b, v, c = _relu_net_weights(model)
    pieces = v[:, None] * np.maximum(0.0, w[:, None] * x[None, :] + b[:, None])
    with np.errstate(divide="ignore", invalid="ignore"):
        kinks = np.where(w != 0, -b / np.where(w != 0, w, 1.0), np.nan)
    return pieces, c, kinks


def fit_relu_units(x, y, num_units, num_epochs=500, lr=0.005, seed=0):
    """Fit y ≈ f(x) with one hidden layer of num_units ReLUs, by full-batch Adam on the MSE.

    x, y: (M,) samples of a 1-D function. Each unit starts as a hinge max(0, ±(x - k_j)) with
    its kink k_j near the j-th of num_units evenly spaced quantiles of x (so every unit bends
    inside the data), and the output layer starts at the least-squares fit for those units;
    training (lib.train_torch.train_torch, loss="mse") then moves the kinks and slopes.
    Returns the trained model, make_mlp([1, num_units, 1]), on the CPU.
    """
    import torch

    from lib.train_torch import train_torch

    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or len(x) < 2:
        raise ValueError(f"x must be a 1-D array (M,) with M >= 2, got shape {x.shape}")
    if y.shape != x.shape:
        raise ValueError(f"y must have the shape of x, {x.shape}, got {y.shape}")
    num_units = integer("num_units", num_units, 1)
    rng = np.random.default_rng(seed)
    sign = rng.choice([-1.0, 1.0], size=int(num_units))
    kinks = np.quantile(x, (np.arange(int(num_units)) + 0.5) / num_units)
    kinks += rng.uniform(-0.25, 0.25, size=int(num_units)) * (x.max() - x.min()) / num_units
    # For fixed hidden units the output layer is linear regression: start at its least squares.
    features = np.column_stack([np.maximum(0.0, sign * (x[:, None] - kinks)), np.ones_like(x)])
    out = np.linalg.lstsq(features, y, rcond=None)[0]
    torch.manual_seed(seed)
    model = make_mlp([1, int(num_units), 1])
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor(sign[:, None]))
        model[0].bias.copy_(torch.tensor(-sign * kinks))
        model[2].weight.copy_(torch.tensor(out[None, :-1]))
        model[2].bias.fill_(float(out[-1]))
    train_torch(model, x[:, None], y[:, None], loss="mse", lr=lr, num_epochs=num_epochs,
                seed=seed, progress=False, device="cpu")
    return model


def _steps(z, activation):
    """A unit step smoothed by the activation, applied to z: (..., M)."""
    if activation == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow
    return np.maximum(0.0, z + 0.5) - np.maximum(0.0, z - 0.5)  # a ramp from two ReLUs


def bump_approximation(f, x, num_bumps, steepness=50.0, domain=None, activation="sigmoid",
                       return_bumps=False):
    """Approximate f on an interval by a sum of bumps: the constructive universal approximation proof.

    The domain [a, b] (default: x's range) is cut into num_bumps bins of width δ. Bin i gets a
    bump of height f(centre_i): h_i * (step(x - e_i) - step(x - e_{i+1})), each step a hidden
    unit (a steep sigmoid, or a ramp made of two ReLUs) of slope steepness / δ, and the two
    outermost edges are moved δ/2 outside [a, b] so the domain's ends are fully covered.
    The sum is a one-hidden-layer network with 2 * num_bumps sigmoid (or 4 * num_bumps
    ReLU) units. f: a function of an array; x: (M,) points to evaluate on.
    Returns y_hat: (M,), and with return_bumps=True also bumps: (num_bumps, M).
    """
    if not callable(f):
        raise TypeError(f"f must be a function of an array, got {type(f).__name__}")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or len(x) < 1:
        raise ValueError(f"x must be a non-empty 1-D array (M,), got shape {x.shape}")
    num_bumps = integer("num_bumps", num_bumps, 1)
    if not steepness > 0:
        raise ValueError(f"steepness must be > 0, got {steepness}")
    if activation not in ("sigmoid", "relu"):
        raise ValueError(f"activation must be 'sigmoid' or 'relu', got {activation!r}")
    a, b = (x.min(), x.max()) if domain is None else domain
    if not a < b:
        raise ValueError(f"domain must be (a, b) with a < b, got {(a, b)}")
    width = (b - a) / int(num_bumps)
    edges = a + width * np.arange(int(num_bumps) + 1)
    edges[0], edges[-1] = a - width / 2, b + width / 2
    centres = a + width * (np.arange(int(num_bumps)) + 0.5)
    heights = np.asarray(f(centres), dtype=np.float64)
    if heights.shape != centres.shape:
        raise ValueError(f"f must map an array (n,) to an array (n,), got shape {heights.shape}")
    up = _steps(steepness / width * (x[None, :] - edges[:-1, None]), activation)
    down = _steps(steepness / width * (x[None, :] - edges[1:, None]), activation)
    bumps = heights[:, None] * (up - down)
    y_hat = bumps.sum(axis=0)
    return (y_hat, bumps) if return_bumps else y_hat
