"""Layers as numpy forward/backward pairs (the style of cs231n's layers.py), and an MLP built from them.

``*_forward(inputs) -> (out, cache)`` computes the output and keeps what the backward pass
needs; ``*_backward(dout, cache) -> grads`` takes the upstream gradient dL/d(out) and returns
dL/d(input) for each input, in the order of the forward inputs. Weights follow the book's
convention W: (M, D) (out = x W^T + b, as lib.linear and torch.nn.Linear). Introduced in the
chapter on backpropagation.
"""

import numpy as np

from lib.activations import sigmoid

ACTIVATIONS = ("relu", "sigmoid", "tanh")


def _array(name, value, ndim=None):
    value = np.asarray(value, dtype=np.float64)
    if ndim is not None and value.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {value.shape}")
    return value


def _check_dout(dout, out_shape):
    dout = _array("dout", dout)
    if dout.shape != out_shape:
        raise ValueError(f"dout must have the output's shape {out_shape}, got {dout.shape}")
    return dout


def affine_forward(x, w, b):
    """A fully connected (linear) layer: out = x w^T + b.

    x: (N, D), w: (M, D) (one row per output, as torch.nn.Linear.weight), b: (M,) -> out: (N, M).
    """
    x, w, b = _array("x", x, 2), _array("w", w, 2), _array("b", b, 1)
    if w.shape[1] != x.shape[1]:
        raise ValueError(f"w must be (M, D) with D = {x.shape[1]} to match x, got shape {w.shape}")
    if b.shape != (w.shape[0],):
        raise ValueError(f"b must be (M,) = ({w.shape[0]},) to match w, got shape {b.shape}")
    return x @ w.T + b, (x, w)


def affine_backward(dout, cache):
    """dout: (N, M) -> dx: (N, D) = dout w, dw: (M, D) = dout^T x, db: (M,) = sum over N of dout."""
    x, w = cache
    dout = _check_dout(dout, (len(x), len(w)))
    return dout @ w, dout.T @ x, dout.sum(axis=0)


def relu_forward(x):
    """out = max(0, x) elementwise; x: any shape."""
    x = _array("x", x)
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    """dx = dout where x > 0, else 0 (the gate is closed; 0 also at x = 0, as torch)."""
    x = cache
    return _check_dout(dout, x.shape) * (x > 0)


def sigmoid_forward(x):
    """out = 1 / (1 + e^-x) elementwise, computed without overflow for large |x|."""
    out = sigmoid(_array("x", x))
    return out, out


def sigmoid_backward(dout, cache):
    """dx = dout * s (1 - s), with s the forward output."""
    s = cache
    return _check_dout(dout, s.shape) * s * (1.0 - s)


def tanh_forward(x):
    """out = tanh(x) elementwise."""
    out = np.tanh(_array("x", x))
    return out, out


def tanh_backward(dout, cache):
    """dx = dout * (1 - tanh(x)^2), with tanh(x) the forward output."""
    t = cache
    return _check_dout(dout, t.shape) * (1.0 - t * t)


def dropout_forward(x, p, train=True, rng=None):
    """Inverted dropout: in training, zero each entry of x with probability p and divide the rest
    by 1 - p, so that every entry keeps its expected value; at test time (train=False), x unchanged.

    x: any shape, 0 <= p < 1, rng: a numpy Generator (default: a fresh one). The cache is the
    mask, (x != dropped) / (1 - p), or None at test time. Equals torch.nn.Dropout(p) in train()
    and eval() mode, up to the random draw (Srivastava et al. 2014; the chapter on training in
    practice).
    """
    x = _array("x", x)
    if not 0 <= p < 1:
        raise ValueError(f"p must be in [0, 1), got {p}")
    if not train or p == 0:
        return x, None
    rng = np.random.default_rng() if rng is None else rng
    mask = (rng.random(x.shape) >= p) / (1.0 - p)
    return x * mask, mask


def dropout_backward(dout, cache):
    """dx = dout * mask: a dropped unit passes no gradient, a kept one its gradient / (1 - p)."""
    mask = cache
    dout = _array("dout", dout)
    if mask is None:
        return dout
    return _check_dout(dout, mask.shape) * mask


def softmax_cross_entropy(scores, y):
    """Mean softmax cross-entropy of scores: (N, C) with labels y: (N,), and dscores: (N, C).

    dscores = (softmax(scores) - one_hot(y)) / N (lib.losses.softmax_loss). A loss layer: it ends
    the forward pass and starts the backward pass with dL/dL = 1.
    """
    from lib.losses import softmax_loss

    return softmax_loss(scores, y)


def mse_loss(pred, target):
    """Mean squared error L = sum (pred - target)^2 / K over all K entries, and dpred = 2 (pred - target) / K.

    pred, target: the same shape (e.g. (N, M)). The mean over every entry, as
    torch.nn.functional.mse_loss.
    """
    pred, target = _array("pred", pred), _array("target", target)
    if pred.shape != target.shape:
        raise ValueError(f"target must have pred's shape {pred.shape}, got {target.shape}")
    if pred.size == 0:
        raise ValueError("pred must not be empty")
    diff = pred - target
    return float(np.mean(diff * diff)), 2.0 * diff / diff.size


LAYERS = {"relu": (relu_forward, relu_backward), "sigmoid": (sigmoid_forward, sigmoid_backward),
          "tanh": (tanh_forward, tanh_backward)}


class MLP:
    """A fully connected network: (affine -> activation) x (L - 1) -> affine -> softmax cross-entropy.

    sizes: [D, H1, ..., C], the width of every layer. params: {"W1": (H1, D), "b1": (H1,), ...,
    "WL": (C, H_{L-1}), "bL": (C,)}. Weights are weight_scale * standard normal; the default
    weight_scale=None uses sqrt(2 / fan_in) for ReLU and sqrt(1 / fan_in) otherwise (He, Xavier).
    Biases start at 0.
    """

    def __init__(self, sizes, activation="relu", seed=0, weight_scale=None):
        sizes = list(sizes)
        if len(sizes) < 2 or any(int(s) != s or s < 1 for s in sizes):
            raise ValueError(f"sizes must list at least two layer widths >= 1, got {sizes}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
        if weight_scale is not None and not weight_scale > 0:
            raise ValueError(f"weight_scale must be None or > 0, got {weight_scale}")
        self.sizes, self.activation = [int(s) for s in sizes], activation
        self.num_layers = len(sizes) - 1
        rng, gain = np.random.default_rng(seed), 2.0 if activation == "relu" else 1.0
        self.params = {}
        for k, (fan_in, fan_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:], strict=True), start=1):
            scale = weight_scale if weight_scale is not None else np.sqrt(gain / fan_in)
            self.params[f"W{k}"] = scale * rng.standard_normal((fan_out, fan_in))
            self.params[f"b{k}"] = np.zeros(fan_out)

    def forward(self, X):
        """The scores (N, C) of X: (N, D), and the caches of every layer in order."""
        X = _array("X", X, 2)
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must be (N, D) with D = {self.sizes[0]}, got shape {X.shape}")
        act_forward = LAYERS[self.activation][0]
        caches, h = [], X
        for k in range(1, self.num_layers + 1):
            h, cache = affine_forward(h, self.params[f"W{k}"], self.params[f"b{k}"])
            caches.append(cache)
            if k < self.num_layers:
                h, cache = act_forward(h)
                caches.append(cache)
        return h, caches

    def backward(self, dscores, caches):
        """Walk the caches in reverse: dscores (N, C) -> grads {"W1": ..., "b1": ..., ...}."""
        act_backward = LAYERS[self.activation][1]
        caches, grads, dh = list(caches), {}, dscores  # a copy: popped from the end, last layer first
        for k in range(self.num_layers, 0, -1):
            if k < self.num_layers:
                dh = act_backward(dh, caches.pop())
            dh, grads[f"W{k}"], grads[f"b{k}"] = affine_backward(dh, caches.pop())
        return grads

    def loss(self, X, y):
        """Mean softmax cross-entropy on X: (N, D), y: (N,), and grads: the same keys and shapes as params."""
        scores, caches = self.forward(X)
        loss, dscores = softmax_cross_entropy(scores, y)
        return loss, self.backward(dscores, caches)

    def predict(self, X):
        """Predicted labels (N,) of X: (N, D): the class with the highest score."""
        return np.argmax(self.forward(X)[0], axis=1)

    def to_torch(self):
        """The same network in torch, with these weights: lib.mlp.make_mlp(sizes, activation) in
        float64, whose i-th nn.Linear holds W{i} and b{i} (to check gradients against autograd,
        or to time the two)."""
        import torch

        from lib.mlp import make_mlp

        model = make_mlp(self.sizes, self.activation).double()
        linears = [m for m in model if isinstance(m, torch.nn.Linear)]
        with torch.no_grad():
            for k, layer in enumerate(linears, start=1):
                layer.weight.copy_(torch.from_numpy(self.params[f"W{k}"]))
                layer.bias.copy_(torch.from_numpy(self.params[f"b{k}"]))
        return model
