"""Optimizers: SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam and AdamW, one small class each.

The style of PyTorch's and tinygrad's optimizers, in numpy::

    params = {"W": W}                  # name -> float ndarray, updated IN PLACE
    opt = Adam(params, lr=1e-3)
    for X_batch, y_batch in batches:
        loss, dW = loss_and_grad(params["W"], X_batch, y_batch)
        opt.step({"W": dW})            # grads: the same names and shapes as params

Each class's ``update`` is the lecture's equation for one parameter array ``w`` with its
gradient ``dw`` and its own ``state`` dict (velocity, running averages, step count).
Every class matches the corresponding ``torch.optim`` optimizer step for step
(``torch_optimizer`` builds it). Introduced in the chapter on optimizers.
"""

import numbers

import numpy as np

from lib._checks import positive


def _check_fraction(name, value):
    if not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")
    return float(value)


def _check_params(params):
    if not isinstance(params, dict) or not params:
        raise ValueError("params must be a non-empty dict {name: float ndarray}")
    for name, w in params.items():
        if not isinstance(w, np.ndarray) or not np.issubdtype(w.dtype, np.floating):
            raise ValueError(f"params[{name!r}] must be a float ndarray (it is updated in place), "
                             f"got {type(w).__name__}")
    return params


class Optimizer:
    """Shared bookkeeping: checks, per-parameter state, and the loop over parameters.

    params: {name: float ndarray of any shape}, updated in place by ``step``.
    lr: the learning rate alpha, > 0: the hyperparameter every optimizer shares.
    """

    def __init__(self, params, lr):
        self.params = _check_params(params)
        self.lr = positive("lr", lr)
        self.state = {name: {} for name in params}

    def step(self, grads):
        """One update of every parameter. grads: {name: ndarray}, the same names and shapes as params."""
        if not isinstance(grads, dict) or set(grads) != set(self.params):
            got = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
            raise ValueError(f"grads must be a dict with the keys of params {sorted(self.params)}, "
                             f"got {got}")
        for name, w in self.params.items():
            dw = np.asarray(grads[name], dtype=w.dtype)
            if dw.shape != w.shape:
                raise ValueError(f"grads[{name!r}] must have the shape of params[{name!r}], "
                                 f"{w.shape}, got {dw.shape}")
            self.update(w, dw, self.state[name])

    def update(self, w, dw, state):
        raise NotImplementedError


class SGD(Optimizer):
    """(Stochastic) gradient descent: w <- w - alpha * dw. Equals torch.optim.SGD(lr)."""

    def update(self, w, dw, state):
        w -= self.lr * dw


class Momentum(Optimizer):
    """SGD + momentum: v <- rho v + dw; w <- w - alpha v.

    v is the velocity, a running (undamped) sum of past gradients; rho in [0, 1) is the
    friction that makes old gradients fade. Equals torch.optim.SGD(lr, momentum=rho).
    """

    def __init__(self, params, lr, rho=0.9):
        super().__init__(params, lr)
        self.rho = _check_fraction("rho", rho)

    def update(self, w, dw, state):
        v = state["v"] = self.rho * state.get("v", 0.0) + dw
        w -= self.lr * v


class Nesterov(Optimizer):
    """Nesterov momentum: v <- rho v + dw; w <- w - alpha (dw + rho v).

    The lecture's form looks ahead: with the velocity u (a step, u = -alpha v),
    u' = rho u - alpha grad L(theta + rho u), theta' = theta + u', the gradient is taken at
    the look-ahead point theta + rho u, not at theta. Rename the look-ahead point
    w = theta + rho u. Then w' = theta' + rho u' = w - rho u + (1 + rho) u', and substituting
    u' gives w' = w - alpha grad L(w) + rho u' = w - alpha (dw + rho v'): the update above,
    with the gradient at the stored point w. So this class stores the look-ahead points and
    needs one gradient per step, like plain momentum. Equals
    torch.optim.SGD(lr, momentum=rho, nesterov=True).
    """

    def __init__(self, params, lr, rho=0.9):
        super().__init__(params, lr)
        self.rho = _check_fraction("rho", rho)

    def update(self, w, dw, state):
        v = state["v"] = self.rho * state.get("v", 0.0) + dw
        w -= self.lr * (dw + self.rho * v)


class AdaGrad(Optimizer):
    """AdaGrad: G <- G + dw^2; w <- w - alpha dw / (sqrt(G) + eps), elementwise.

    Each coordinate's step is divided by the root of its summed squared gradients: steep
    directions get damped, shallow ones boosted, and all steps shrink over time.
    Equals torch.optim.Adagrad(lr, eps=eps).
    """

    def __init__(self, params, lr, eps=1e-10):
        super().__init__(params, lr)
        self.eps = positive("eps", eps)

    def update(self, w, dw, state):
        grad_squared = state["grad_squared"] = state.get("grad_squared", 0.0) + dw * dw
        w -= self.lr * dw / (np.sqrt(grad_squared) + self.eps)


class RMSProp(Optimizer):
    """RMSProp: G <- beta G + (1 - beta) dw^2; w <- w - alpha dw / (sqrt(G) + eps).

    AdaGrad with a leaky sum (beta = decay_rate): old gradients are forgotten, so the steps
    do not shrink to zero. Equals torch.optim.RMSprop(lr, alpha=decay_rate, eps=eps).
    """

    def __init__(self, params, lr, decay_rate=0.99, eps=1e-8):
        super().__init__(params, lr)
        self.decay_rate = _check_fraction("decay_rate", decay_rate)
        self.eps = positive("eps", eps)

    def update(self, w, dw, state):
        beta = self.decay_rate
        grad_squared = state["grad_squared"] = beta * state.get("grad_squared", 0.0) + (1 - beta) * dw * dw
        w -= self.lr * dw / (np.sqrt(grad_squared) + self.eps)


class Adam(Optimizer):
    """Adam, full form: momentum (first moment) + RMSProp (second moment) + bias correction.

    t <- t + 1 (t = 1 on the first step)
    m <- beta1 m + (1 - beta1) dw,     v <- beta2 v + (1 - beta2) dw^2
    m_hat = m / (1 - beta1^t),         v_hat = v / (1 - beta2^t)
    w <- w - alpha m_hat / (sqrt(v_hat) + eps)

    bias_correction=False drops the division by 1 - beta^t (for comparison only: m and v
    start at 0, so the early estimates are biased towards 0). Equals
    torch.optim.Adam(lr, betas=(beta1, beta2), eps=eps).
    """

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, bias_correction=True):
        super().__init__(params, lr)
        self.beta1 = _check_fraction("beta1", beta1)
        self.beta2 = _check_fraction("beta2", beta2)
        self.eps = positive("eps", eps)
        self.bias_correction = bool(bias_correction)

    def update(self, w, dw, state):
        b1, b2 = self.beta1, self.beta2
        t = state["t"] = state.get("t", 0) + 1
        m = state["m"] = b1 * state.get("m", 0.0) + (1 - b1) * dw
        v = state["v"] = b2 * state.get("v", 0.0) + (1 - b2) * dw * dw
        if self.bias_correction:
            m, v = m / (1 - b1**t), v / (1 - b2**t)
        w -= self.lr * m / (np.sqrt(v) + self.eps)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter 2019): the Adam step, then
    w <- w - alpha * weight_decay * w, a shrinking of every weight that Adam's scaling does not
    touch. An L2 term in the loss instead adds weight_decay * w to dw, which Adam then divides by
    sqrt(v_hat): weights with large gradients would be decayed less. Equals
    torch.optim.AdamW(lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay).
    Introduced in the chapter on training in practice.
    """

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
        super().__init__(params, lr, beta1, beta2, eps)
        if not isinstance(weight_decay, numbers.Real) or weight_decay < 0:
            raise ValueError(f"weight_decay must be a number >= 0, got {weight_decay!r}")
        self.weight_decay = float(weight_decay)

    def update(self, w, dw, state):
        decay = self.lr * self.weight_decay * w  # from the weights before the Adam step, as torch
        super().update(w, dw, state)
        w -= decay


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "nesterov": Nesterov, "adagrad": AdaGrad,
              "rmsprop": RMSProp, "adam": Adam, "adamw": AdamW}
# the lectures' six, raced in the chapter on optimizers
LECTURE_OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")


def _check_name_and_kwargs(name, kwargs):
    import inspect

    if name not in OPTIMIZERS:
        raise ValueError(f"name must be one of {list(OPTIMIZERS)}, got {name!r}")
    allowed = set(inspect.signature(OPTIMIZERS[name]).parameters) - {"params"}
    unknown = sorted(set(kwargs) - allowed)
    if unknown:
        raise ValueError(f"unknown keyword {unknown} for optimizer {name!r}; it takes {sorted(allowed)}")


def make_optimizer(name, params, **kwargs):
    """The optimizer called name (a key of OPTIMIZERS) on params, e.g. make_optimizer("adam", p, lr=1e-3)."""
    _check_name_and_kwargs(name, kwargs)
    return OPTIMIZERS[name](params, **kwargs)


def torch_optimizer(name, tensors, weight_decay=None, **kwargs):
    """The torch.optim optimizer that matches make_optimizer(name, ..., **kwargs) step for step.

    tensors: a list of torch tensors with requires_grad=True. Same names and defaults as here.
    weight_decay: for "adamw" its decoupled decay (None: AdamW's default, 1e-2); for the others
    torch's L2 term, which adds weight_decay * w to each gradient (None: 0; lib.optim has none).
    """
    import inspect

    import torch

    _check_name_and_kwargs(name, kwargs)
    if not kwargs.get("bias_correction", True):
        raise ValueError("bias_correction=False has no torch.optim equivalent")
    signature = inspect.signature(OPTIMIZERS[name]).parameters
    a = {**{k: p.default for k, p in signature.items() if p.default is not p.empty}, **kwargs}
    if "lr" not in a:
        raise ValueError(f"lr is required for optimizer {name!r}")
    if name == "adamw":
        return torch.optim.AdamW(tensors, lr=a["lr"], betas=(a["beta1"], a["beta2"]), eps=a["eps"],
                                 weight_decay=a["weight_decay"] if weight_decay is None else weight_decay)
    common = {"lr": a["lr"], "weight_decay": weight_decay or 0.0}
    if name in ("sgd", "momentum", "nesterov"):
        return torch.optim.SGD(tensors, momentum=a.get("rho", 0.0), nesterov=name == "nesterov", **common)
    if name == "adagrad":
        return torch.optim.Adagrad(tensors, eps=a["eps"], **common)
    if name == "rmsprop":
        return torch.optim.RMSprop(tensors, alpha=a["decay_rate"], eps=a["eps"], **common)
    return torch.optim.Adam(tensors, betas=(a["beta1"], a["beta2"]), eps=a["eps"], **common)
