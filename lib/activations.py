"""Activation functions, their derivatives, and tools to watch them inside a deep network.

The numpy functions act elementwise on arrays of any shape; each ``d_<name>`` is the
derivative of ``<name>`` at the same points. At a kink (x = 0) the derivative takes torch's
convention, the value of the left-hand piece, so the two agree everywhere. The torch tools
build deep fully connected nets and measure the gradient that reaches each layer (vanishing
gradients) and the ReLUs that never fire (dead units). Introduced in the chapter on
activation functions.
"""

import numpy as np

from lib._checks import integer

# The activations a torch network of the book can have (lib.mlp.make_mlp, make_deep_net below),
# as torch.nn's class names; "identity" puts nothing between the layers.
TORCH_NAMES = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "leaky_relu": "LeakyReLU",
               "elu": "ELU", "identity": "Identity"}


def torch_activation(name):
    """The torch.nn module of the activation called name (a key of TORCH_NAMES)."""
    import torch

    if name not in TORCH_NAMES:
        raise ValueError(f"activation must be one of {list(TORCH_NAMES)}, got {name!r}")
    return getattr(torch.nn, TORCH_NAMES[name])()


def sigmoid(x):
    """1 / (1 + e^-x), computed without overflow for large |x|."""
    x = np.asarray(x, dtype=np.float64)
    z = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


def d_sigmoid(x):
    """sigma'(x) = sigma(x) (1 - sigma(x)); at most 1/4, at x = 0."""
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x):
    """tanh(x) = 2 sigma(2x) - 1, in (-1, 1)."""
    return np.tanh(np.asarray(x, dtype=np.float64))


def d_tanh(x):
    """tanh'(x) = 1 - tanh(x)^2; at most 1, at x = 0."""
    return 1 - tanh(x) ** 2


def relu(x):
    """max(0, x)."""
    return np.maximum(0.0, np.asarray(x, dtype=np.float64))


def d_relu(x):
    """1 for x > 0, else 0."""
    return (np.asarray(x, dtype=np.float64) > 0).astype(np.float64)


def _check_alpha(alpha):
    if not alpha >= 0:
        raise ValueError(f"alpha must be >= 0, got {alpha}")


def leaky_relu(x, alpha=0.01):
    """x for x > 0, else alpha x (alpha >= 0 is the slope of the negative side)."""
    _check_alpha(alpha)
    x = np.asarray(x, dtype=np.float64)
    return np.where(x > 0, x, alpha * x)


def d_leaky_relu(x, alpha=0.01):
    """1 for x > 0, else alpha: never zero, so no unit can die."""
    _check_alpha(alpha)
    return np.where(np.asarray(x, dtype=np.float64) > 0, 1.0, alpha)


def elu(x, alpha=1.0):
    """x for x > 0, else alpha (e^x - 1), which levels off at -alpha."""
    _check_alpha(alpha)
    x = np.asarray(x, dtype=np.float64)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def d_elu(x, alpha=1.0):
    """1 for x > 0, else alpha e^x."""
    _check_alpha(alpha)
    x = np.asarray(x, dtype=np.float64)
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))


ACTIVATIONS = {"sigmoid": (sigmoid, d_sigmoid), "tanh": (tanh, d_tanh), "relu": (relu, d_relu),
               "leaky_relu": (leaky_relu, d_leaky_relu), "elu": (elu, d_elu)}


def _check_pieces(x, W1, b1, W2, b2):
    x, W1, b1, W2, b2 = (np.asarray(a, dtype=np.float64) for a in (x, W1, b1, W2, b2))
    if x.ndim != 2:
        raise ValueError(f"x must be (N, D), got shape {x.shape}")
    for name, W, b in (("W1", W1, b1), ("W2", W2, b2)):
        if W.ndim != 2 or W.shape[1] != x.shape[1]:
            raise ValueError(f"{name} must be (H, D) with D = {x.shape[1]}, got shape {W.shape}")
        if b.shape != (W.shape[0],):
            raise ValueError(f"b{name[1]} must be (H,) = ({W.shape[0]},), got shape {b.shape}")
    if W1.shape != W2.shape:
        raise ValueError(f"W1 and W2 must have the same shape, got {W1.shape} and {W2.shape}")
    return x, W1, b1, W2, b2


def maxout(x, W1, b1, W2, b2):
    """Maxout with two pieces: max(x W1^T + b1, x W2^T + b2), elementwise.

    x: (N, D), W1, W2: (H, D), b1, b2: (H,). Returns (N, H). With W2 = 0, b2 = 0 it is
    ReLU(x W1^T + b1); with W2 = alpha W1, b2 = alpha b1 it is a leaky ReLU.
    """
    x, W1, b1, W2, b2 = _check_pieces(x, W1, b1, W2, b2)
    return np.maximum(x @ W1.T + b1, x @ W2.T + b2)


def maxout_backward(dout, x, W1, b1, W2, b2):
    """Gradients of maxout: dout: (N, H) -> (dx, dW1, db1, dW2, db2), shaped like the inputs.

    Each output passes its gradient to the piece that won the max (the first one on a tie).
    """
    x, W1, b1, W2, b2 = _check_pieces(x, W1, b1, W2, b2)
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != (len(x), len(W1)):
        raise ValueError(f"dout must be (N, H) = ({len(x)}, {len(W1)}), got shape {dout.shape}")
    first = (x @ W1.T + b1) >= (x @ W2.T + b2)  # (N, H): which piece won
    d1, d2 = dout * first, dout * ~first
    return d1 @ W1 + d2 @ W2, d1.T @ x, d1.sum(axis=0), d2.T @ x, d2.sum(axis=0)


def collapse_linear_layers(W1, b1, W2, b2):
    """The single linear layer equal to two stacked ones: W2 (W1 x + b1) + b2 = W x + b.

    W1: (H, D), b1: (H,), W2: (C, H), b2: (C,). Returns W = W2 W1: (C, D), b = W2 b1 + b2: (C,).
    """
    W1, b1, W2, b2 = (np.asarray(a, dtype=np.float64) for a in (W1, b1, W2, b2))
    if W1.ndim != 2:
        raise ValueError(f"W1 must be (H, D), got shape {W1.shape}")
    if b1.shape != (len(W1),):
        raise ValueError(f"b1 must be (H,) = ({len(W1)},), got shape {b1.shape}")
    if W2.ndim != 2 or W2.shape[1] != len(W1):
        raise ValueError(f"W2 must be (C, H) with H = {len(W1)}, got shape {W2.shape}")
    if b2.shape != (len(W2),):
        raise ValueError(f"b2 must be (C,) = ({len(W2)},), got shape {b2.shape}")
    return W2 @ W1, W2 @ b1 + b2


INITS = {"small": lambda fan_in, fan_out: 0.01,                          # cs231n's "small random numbers"
         "xavier": lambda fan_in, fan_out: (2 / (fan_in + fan_out)) ** 0.5,  # Glorot and Bengio 2010
         "he": lambda fan_in, fan_out: (2 / fan_in) ** 0.5}                  # He et al. 2015, for ReLU


def make_deep_net(activation, depth, width, in_dim, out_dim, seed=0, init_scale=1.0, bias_init=0.0,
                  **mlp_options):
    """lib.mlp.make_mlp's network with depth Linear layers, initialised to watch gradients flow.

    Shapes: in_dim -> width -> ... -> width -> out_dim; depth = 1 is a linear classifier.
    activation: a name in TORCH_NAMES ("identity": nothing between the layers, only Linears).
    Every weight is drawn from N(0, std^2) with a generator seeded by seed: a number init_scale
    gives std = init_scale / sqrt(fan_in) (init_scale = 1 keeps the variance of a layer's outputs
    equal to that of its inputs; sqrt(2) does so through a ReLU); a name of INITS ("small",
    "xavier", "he") gives that scheme's std (the chapter on training in practice). Every bias
    starts at bias_init. mlp_options: make_mlp's batchnorm, dropout and residual.
    """
    import torch

    from lib.mlp import make_mlp

    depth, width = integer("depth", depth, 1), integer("width", width, 1)
    in_dim, out_dim = integer("in_dim", in_dim, 1), integer("out_dim", out_dim, 1)
    if isinstance(init_scale, str) and init_scale not in INITS:
        raise ValueError(f"init_scale must be a number > 0 or one of {list(INITS)}, got {init_scale!r}")
    if not isinstance(init_scale, str) and not init_scale > 0:
        raise ValueError(f"init_scale must be a number > 0 or one of {list(INITS)}, got {init_scale}")
    std = INITS[init_scale] if isinstance(init_scale, str) else lambda fan_in, _: init_scale / fan_in**0.5
    model = make_mlp([in_dim] + [width] * (depth - 1) + [out_dim], activation, **mlp_options)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for linear in (m for m in model.modules() if isinstance(m, torch.nn.Linear)):
            fan_out, fan_in = linear.weight.shape
            linear.weight.copy_(torch.randn(fan_out, fan_in, generator=generator) * std(fan_in, fan_out))
            linear.bias.fill_(bias_init)
    return model


def _check_model_data(model, X):
    import torch

    if not isinstance(model, torch.nn.Sequential):
        raise TypeError(f"model must be a torch.nn.Sequential, got {type(model).__name__}")
    weight = next(model.parameters())  # X takes the model's dtype: float32, or float64 after .double()
    X = torch.as_tensor(np.asarray(X), dtype=weight.dtype)
    if X.ndim != 2:
        raise ValueError(f"X must be (N, D), got shape {tuple(X.shape)}")
    return X.to(weight.device)


def layer_gradient_norms(model, X, y):
    """||dL/dW|| of every Linear layer, first to last, after one backward pass: (depth,).

    L is the mean cross-entropy of model(X) against labels y: (N,) for X: (N, D). The model's
    parameters are not changed and their .grad is cleared afterwards.
    """
    import torch

    X = _check_model_data(model, X)
    y = torch.as_tensor(np.asarray(y), dtype=torch.long, device=X.device)
    if y.shape != (len(X),):
        raise ValueError(f"y must be (N,) = ({len(X)},) to match X, got shape {tuple(y.shape)}")
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    model.zero_grad()
    torch.nn.functional.cross_entropy(model(X), y).backward()
    norms = np.array([float(m.weight.grad.norm()) for m in linears])
    model.zero_grad(set_to_none=True)
    return norms


def dead_relu_fraction(model, X):
    """For every ReLU layer of a Sequential model, the fraction of its units that output 0
    for every row of X: (N, D). Returns (number of ReLU layers,); a dead unit passes no gradient.
    """
    import torch

    h = _check_model_data(model, X)
    fractions = []
    with torch.no_grad():
        for module in model:
            h = module(h)
            if isinstance(module, torch.nn.ReLU):
                fractions.append(float((h <= 0).all(dim=0).float().mean()))
    return np.array(fractions)


def activation_stds(model, X):
    """The standard deviation of every hidden layer's activations on X: (N, D), first to last.

    One forward pass without gradients; a hidden layer's activations are the outputs of each
    activation module (TORCH_NAMES) anywhere in the model, Residual blocks included. With a
    poor initialization they shrink towards 0 or saturate, layer after layer (the chapter on
    training in practice).
    """
    import torch

    X = _check_model_data(model, X)
    kinds = tuple(getattr(torch.nn, name) for name in TORCH_NAMES.values())
    stds = []
    hooks = [m.register_forward_hook(lambda _m, _i, out: stds.append(float(out.std())))
             for m in model.modules() if isinstance(m, kinds)]
    try:
        with torch.no_grad():
            model(X)
    finally:
        for hook in hooks:
            hook.remove()
    return np.array(stds)
