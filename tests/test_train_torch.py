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
