"""lib.train_torch: the bugs a reader of the code found, each with the test that failed before the fix."""

import numpy as np
import pytest
import torch

from lib.mlp import make_mlp
from lib.train_torch import _optimizer_and_schedule, torch_accuracy, train_torch


def small_problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2)).astype(np.float32)
    return X, (X[:, 0] > 0).astype(np.int64)


def test_inputs_may_be_tensors_that_numpy_cannot_read():
    """A CUDA tensor, or one that requires grad, cannot go through np.asarray; train_torch takes them
    as tensors (on a GPU the same path moves them to the model's device)."""
    X, y = small_problem()
    X_t = torch.tensor(X, requires_grad=True)  # np.asarray(X_t) raises, as for a tensor on cuda:0
    with pytest.raises(RuntimeError):
        np.asarray(X_t)
    model = make_mlp([2, 8, 2])
    history = train_torch(model, X_t, torch.tensor(y), num_epochs=5, progress=False,
                          X_val=X_t, y_val=torch.tensor(y))
    assert len(history["val_acc"]) == 5
    assert torch_accuracy(model, X_t, torch.tensor(y)) == torch_accuracy(model, X, y)


def test_validation_data_come_in_pairs():
    X, y = small_problem()
    for val in ({"X_val": X}, {"y_val": y}):
        with pytest.raises(ValueError, match="X_val and y_val together"):
            train_torch(make_mlp([2, 4, 2]), X, y, num_epochs=1, progress=False, **val)


def test_accuracy_leaves_the_model_in_the_mode_it_found():
    X, y = small_problem()
    model = make_mlp([2, 4, 2])
    model.train()
    torch_accuracy(model, X, y)
    assert model.training
    model.eval()
    torch_accuracy(model, X, y)
    assert not model.training


def test_one_mapping_from_names_to_torch_optim():
    """train_torch's optimizers are lib.optim.torch_optimizer's (momentum's rho 0.9), with weight decay."""
    model = make_mlp([2, 4, 2])
    opt, _ = _optimizer_and_schedule(model, "momentum", 0.1, 0.01, None, 10)
    group = opt.param_groups[0]
    assert isinstance(opt, torch.optim.SGD) and group["momentum"] == 0.9 and group["weight_decay"] == 0.01
    opt, _ = _optimizer_and_schedule(model, "adam", 0.1, 0.0, "cosine", 10)
    assert isinstance(opt, torch.optim.Adam)
    opt, _ = _optimizer_and_schedule(model, "rmsprop", 0.1, 0.0, None, 10)  # all six of lib.optim's
    assert isinstance(opt, torch.optim.RMSprop) and opt.param_groups[0]["alpha"] == 0.99
    with pytest.raises(ValueError, match="optimizer must be one of"):
        _optimizer_and_schedule(model, "lbfgs", 0.1, 0.0, None, 10)


def test_schedules_start_at_the_base_rate_and_end_where_they_say():
    from lib.train_torch import LR_SCHEDULES, lr_factor

    T = 100
    factors = {s: np.array([lr_factor(s, t, T) for t in range(T)]) for s in LR_SCHEDULES}
    assert np.all(factors[None] == 1.0)
    assert factors["step"][0] == 1 and factors["step"][50] == pytest.approx(0.1)
    assert factors["step"][75] == pytest.approx(0.01) and factors["step"][49] == 1
    assert factors["cosine"][0] == 1 and factors["cosine"][50] == pytest.approx(0.5)
    assert np.all(np.diff(factors["cosine"]) < 0)
    warm = factors["warmup_cosine"]  # 5 steps of linear warm-up to 1, then the cosine
    np.testing.assert_allclose(warm[:5], [0.2, 0.4, 0.6, 0.8, 1.0])
    assert np.all(np.diff(warm[5:]) < 0) and warm[-1] < 0.01
    with pytest.raises(ValueError, match="lr_schedule"):
        lr_factor("linear", 0, T)


def test_the_schedule_reaches_the_optimizer_every_step():
    X, y = small_problem()
    torch.manual_seed(0)
    history = train_torch(make_mlp([2, 4, 2]), X, y, optimizer="sgd", lr=0.5, batch_size=10,
                          num_epochs=4, lr_schedule="step", progress=False)
    assert history["lr"] == pytest.approx([0.5, 0.5, 0.05, 0.005])  # 16 steps: drops at 8 and 12


def test_restore_best_ends_with_the_best_epochs_weights():
    from lib.train_torch import torch_loss

    X, y = small_problem()
    torch.manual_seed(0)
    model = make_mlp([2, 16, 2])
    history = train_torch(model, X[:20], y[:20], X_val=X[20:], y_val=y[20:], optimizer="sgd", lr=0.3,
                          num_epochs=30, restore_best=True, progress=False)
    best = history["best_epoch"]
    assert history["val_acc"][best] == max(history["val_acc"])
    assert torch_accuracy(model, X[20:], y[20:]) == history["val_acc"][best]  # those weights, restored
    assert torch_loss(model, X[20:], y[20:]) == pytest.approx(history["val_loss"][best])
    with pytest.raises(ValueError, match="restore_best"):
        train_torch(model, X, y, restore_best=True, progress=False)


def test_torch_loss_is_the_mean_cross_entropy_in_eval_mode():
    from lib.train_torch import torch_loss

    X, y = small_problem()
    torch.manual_seed(0)
    model = make_mlp([2, 8, 2], dropout=0.5).train()
    with torch.no_grad():
        scores = model.eval()(torch.from_numpy(X))
        expected = float(torch.nn.functional.cross_entropy(scores, torch.from_numpy(y)))
    model.train()
    assert torch_loss(model, X, y, batch_size=7) == pytest.approx(expected, rel=1e-6)  # batches, no dropout
    assert model.training


def test_lr_range_test_grows_the_rate_and_stops_when_the_loss_blows_up():
    from lib.train_torch import lr_range_test

    X, y = small_problem()
    torch.manual_seed(0)
    lrs, losses = lr_range_test(make_mlp([2, 16, 2]), X, y, lr_min=1e-3, lr_max=1e3, num_steps=60,
                                batch_size=20)
    assert len(lrs) == len(losses) < 60 and lrs[0] == pytest.approx(1e-3)  # stopped early
    np.testing.assert_allclose(lrs[1:] / lrs[:-1], (1e6) ** (1 / 59))  # exponential growth
    assert losses[-1] > 4 * losses.min() or not np.isfinite(losses[-1])
    with pytest.raises(ValueError, match="lr_min"):
        lr_range_test(make_mlp([2, 2]), X, y, lr_min=1.0, lr_max=0.1)


def test_lr_range_test_warns_of_nothing():
    """float() of a loss that requires grad warns in recent torch versions; the book's pages showed it."""
    import warnings

    from lib.train_torch import lr_range_test

    X, y = small_problem()
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lrs, losses = lr_range_test(make_mlp([2, 8, 2]), X, y, num_steps=5, batch_size=20)
    assert len(losses) == len(lrs) >= 2 and np.isfinite(losses).all()
