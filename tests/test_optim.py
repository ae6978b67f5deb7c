"""lib.optim: every optimizer against torch.optim, one hand-computed step each, and bad input."""

import numpy as np
import pytest

from lib.optim import (
    OPTIMIZERS,
    SGD,
    AdaGrad,
    Adam,
    Momentum,
    Nesterov,
    RMSProp,
    make_optimizer,
    torch_optimizer,
)

SETTINGS = {  # a non-default setting of every hyperparameter, so each one is exercised
    "sgd": {"lr": 0.05},
    "momentum": {"lr": 0.05, "rho": 0.8},
    "nesterov": {"lr": 0.05, "rho": 0.7},
    "adagrad": {"lr": 0.3, "eps": 1e-6},
    "rmsprop": {"lr": 0.01, "decay_rate": 0.9, "eps": 1e-6},
    "adam": {"lr": 0.02, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6},
    "adamw": {"lr": 0.02, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.5},
}


def _regression_problem(seed=0):
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(30, 4)), rng.normal(size=30)
    return X, y, rng.normal(size=4), rng.normal()


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("use_defaults", [False, True])
def test_trajectory_matches_torch(name, use_defaults):
    """Linear regression, loss mean((X w + b - y)^2) / 2, 50 steps, two parameter arrays."""
    import torch

    X, y, w0, b0 = _regression_problem()
    kwargs = {"lr": SETTINGS[name]["lr"]} if use_defaults else SETTINGS[name]
    params = {"w": w0.copy(), "b": np.array([b0])}
    opt = make_optimizer(name, params, **kwargs)
    w_t = torch.tensor(w0, requires_grad=True)
    b_t = torch.tensor(np.array([b0]), requires_grad=True)  # float64, as numpy
    opt_t = torch_optimizer(name, [w_t, b_t], **kwargs)
    X_t, y_t = torch.tensor(X), torch.tensor(y)
    worst = 0.0
    for _ in range(50):
        r = X @ params["w"] + params["b"] - y
        opt.step({"w": X.T @ r / len(y), "b": np.array([r.mean()])})
        opt_t.zero_grad()
        (((X_t @ w_t + b_t - y_t) ** 2).mean() / 2).backward()
        opt_t.step()
        worst = max(worst, np.abs(w_t.detach().numpy() - params["w"]).max(),
                    np.abs(b_t.detach().numpy() - params["b"]).max())
    assert worst < 1e-10, worst  # the book promises 1e-6; float64 rounding is all that differs
    assert np.abs(params["w"] - w0).max() > 1e-2  # it really moved


def test_one_step_by_hand():
    g = np.array([0.5, -2.0])
    for cls, kw, expected in [
        (SGD, {"lr": 0.1}, [1 - 0.05, 2 + 0.2]),
        (Momentum, {"lr": 0.1, "rho": 0.9}, [1 - 0.05, 2 + 0.2]),       # v = g on step 1
        (Nesterov, {"lr": 0.1, "rho": 0.5}, [1 - 0.075, 2 + 0.3]),      # g + rho g
        (AdaGrad, {"lr": 0.1}, [1 - 0.1, 2 + 0.1]),                     # g / |g|
        (RMSProp, {"lr": 0.1, "decay_rate": 0.75}, [1 - 0.2, 2 + 0.2]),  # g / (|g| / 2)
        (Adam, {"lr": 0.1}, [1 - 0.1, 2 + 0.1]),                        # m_hat / sqrt(v_hat) = sign(g)
    ]:
        params = {"w": np.array([1.0, 2.0])}
        cls(params, **kw).step({"w": g})
        assert np.allclose(params["w"], expected, atol=1e-6), cls.__name__


def test_two_steps_by_hand():
    g1, g2 = np.array([1.0]), np.array([3.0])
    p = {"w": np.array([0.0])}
    opt = Momentum(p, lr=0.1, rho=0.5)
    opt.step({"w": g1})
    opt.step({"w": g2})
    assert np.allclose(p["w"], -0.1 * 1 - 0.1 * (0.5 * 1 + 3))  # v1 = 1, v2 = 3.5
    p = {"w": np.array([0.0])}
    opt = Adam(p, lr=1.0, beta1=0.5, beta2=0.5, eps=1e-12)
    opt.step({"w": g1})
    opt.step({"w": g2})
    # m2 = 0.25 + 1.5 = 1.75, m_hat = 1.75 / 0.75; v2 = 0.25 + 4.5 = 4.75, v_hat = 4.75 / 0.75
    assert np.allclose(p["w"], -1.0 - (1.75 / 0.75) / np.sqrt(4.75 / 0.75))
    p = {"w": np.array([0.0])}
    opt = Adam(p, lr=1.0, beta1=0.5, beta2=0.5, eps=1e-12, bias_correction=False)
    opt.step({"w": g1})
    assert np.allclose(p["w"], -0.5 / np.sqrt(0.5))  # m = 0.5, v = 0.5: a step of 0.71, not 1


def test_nesterov_is_gradient_at_look_ahead_point():
    """The look-ahead form (Sutskever et al.) visits theta; the class stores theta + rho u."""
    rng = np.random.default_rng(3)
    A = rng.normal(size=(3, 3))
    A = A @ A.T + np.eye(3)
    lr, rho = 0.05, 0.9
    theta, u = rng.normal(size=3), np.zeros(3)
    params = {"w": theta.copy()}
    opt = Nesterov(params, lr=lr, rho=rho)
    for _ in range(30):
        u = rho * u - lr * A @ (theta + rho * u)
        theta = theta + u
        opt.step({"w": A @ params["w"]})
        assert np.allclose(params["w"], theta + rho * u, atol=1e-12)


def test_params_updated_in_place_and_state_per_parameter():
    W = np.ones((2, 3))
    params = {"W": W, "b": np.zeros(2)}
    opt = Adam(params, lr=0.1)
    opt.step({"W": np.ones((2, 3)), "b": np.ones(2)})
    assert params["W"] is W and np.allclose(W, 0.9)
    assert set(opt.state) == {"W", "b"} and opt.state["W"]["m"].shape == (2, 3)
    assert opt.state["b"]["t"] == 1


@pytest.mark.parametrize("kwargs, word", [
    ({"lr": 0.0}, "lr"), ({"lr": -1.0}, "lr"), ({"lr": 0.1, "rho": 1.0}, "rho"),
    ({"lr": 0.1, "rho": -0.1}, "rho"),
])
def test_bad_momentum_arguments(kwargs, word):
    with pytest.raises(ValueError, match=word):
        Momentum({"w": np.zeros(2)}, **kwargs)


@pytest.mark.parametrize("name, kwargs, word", [
    ("adam", {"beta1": 1.0}, "beta1"), ("adam", {"beta2": 1.5}, "beta2"), ("adam", {"eps": 0.0}, "eps"),
    ("rmsprop", {"lr": 0.1, "decay_rate": 1.0}, "decay_rate"), ("rmsprop", {"lr": 0.1, "eps": -1.0}, "eps"),
    ("adagrad", {"lr": 0.1, "eps": 0.0}, "eps"), ("nesterov", {"lr": 0.1, "rho": 2.0}, "rho"),
    ("sgd", {"lr": "fast"}, "lr"), ("lbfgs", {"lr": 0.1}, "name"),
    ("adamw", {"lr": 0.1, "weight_decay": -1.0}, "weight_decay"),
    ("sgd", {"lr": 0.1, "rho": 0.9}, "keyword"),
    ("adam", {"lr": 0.1, "beta": 0.9}, "keyword"),
])
def test_bad_arguments(name, kwargs, word):
    with pytest.raises(ValueError, match=word):
        make_optimizer(name, {"w": np.zeros(2)}, **kwargs)


def test_bad_params_and_grads():
    with pytest.raises(ValueError, match="params"):
        SGD({}, lr=0.1)
    with pytest.raises(ValueError, match="params"):
        SGD({"w": [1.0, 2.0]}, lr=0.1)
    with pytest.raises(ValueError, match="params"):
        SGD({"w": np.arange(3)}, lr=0.1)  # integers cannot be updated in place
    opt = SGD({"w": np.zeros(2), "b": np.zeros(1)}, lr=0.1)
    with pytest.raises(ValueError, match="grads"):
        opt.step({"w": np.zeros(2)})
    with pytest.raises(ValueError, match="grads"):
        opt.step({"w": np.zeros(2), "b": np.zeros(1), "c": np.zeros(1)})
    with pytest.raises(ValueError, match="grads"):
        opt.step({"w": np.zeros(3), "b": np.zeros(1)})
    with pytest.raises(ValueError, match="grads"):
        opt.step([np.zeros(2), np.zeros(1)])


def test_torch_optimizer_bad_input():
    import torch

    t = torch.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="name"):
        torch_optimizer("lbfgs", [t], lr=0.1)
    with pytest.raises(ValueError, match="bias_correction"):
        torch_optimizer("adam", [t], bias_correction=False)
    with pytest.raises(ValueError, match="lr"):
        torch_optimizer("sgd", [t])
