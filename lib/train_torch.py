"""The training loop every network chapter shares, in torch: train_torch, and torch_accuracy.

The numpy loops of the linear chapters are in lib.train; the optimizers come from torch.optim as
lib.optim.torch_optimizer builds them; data augmentation (random_shifts) is in lib.data, and the
progress bar in lib.widgets. Introduced in the chapter on activation functions.
"""

import numpy as np

from lib.train import check_training
from lib.widgets import progress_epochs

TORCH_LOSSES = ("cross_entropy", "mse")
LR_SCHEDULES = (None, "cosine")


def pick_device(device=None):
    """The torch device to train on: the one asked for, else CUDA where it exists, else the CPU."""
    import torch

    return torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))


def _optimizer_and_schedule(model, optimizer, lr, weight_decay, lr_schedule, num_steps):
    """lib.optim.torch_optimizer's optimizer of that name for the model, and a per-step schedule."""
    import torch

    from lib.optim import OPTIMIZERS, torch_optimizer

    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {list(OPTIMIZERS)}, got {optimizer!r}")
    if lr_schedule not in LR_SCHEDULES:
        raise ValueError(f"lr_schedule must be one of {LR_SCHEDULES}, got {lr_schedule!r}")
    opt = torch_optimizer(optimizer, list(model.parameters()), lr=lr, weight_decay=weight_decay)
    return opt, torch.optim.lr_scheduler.LambdaLR(
        opt, lambda t: 1.0 if lr_schedule is None else 0.5 * (1 + np.cos(np.pi * t / num_steps)))


def _as_tensor(a, dtype, device):
    """An array or a tensor (on any device, with or without grad) as a tensor of dtype on device."""
    import torch

    if torch.is_tensor(a):
        return a.detach().to(device=device, dtype=dtype)
    return torch.as_tensor(np.asarray(a), dtype=dtype, device=device)


def _train_epoch(model, X_t, y_t, B, opt, schedule, loss_fn, augment):
    """One pass over the data in shuffled minibatches of B (in order for full batch).

    Returns the mean loss and, for integer labels y_t, the accuracy on the batches as trained.
    """
    import torch

    model.train()
    order = torch.randperm(len(X_t), device=X_t.device) if B < len(X_t) else torch.arange(len(X_t))
    total, correct = 0.0, 0
    for start in range(0, len(X_t), B):
        idx = order[start:start + B]
        opt.zero_grad()
        out = model(X_t[idx] if augment is None else augment(X_t[idx]))
        value = loss_fn(out, y_t[idx])
        value.backward()
        opt.step()
        schedule.step()
        total += value.item() * len(idx)
        correct += int((out.argmax(dim=1) == y_t[idx]).sum()) if y_t.dtype == torch.long else 0
    return total / len(X_t), correct / len(X_t)


def train_torch(model, X, y, *, loss="cross_entropy", optimizer="adam", lr=1e-2, weight_decay=0.0,
                batch_size=None, num_epochs=100, seed=0, X_val=None, y_val=None, progress=True,
                device=None, augment=None, lr_schedule=None, running_acc=False):
    """Train a torch model; the loop every network chapter shares. Returns the history dict.

    X: (N, ...) array or tensor (on any device); y: (N,) integer labels for loss="cross_entropy",
    or targets shaped like the model's output for loss="mse". optimizer: a name of
    lib.optim.OPTIMIZERS ("sgd", "momentum" with rho = 0.9, "adam", ...), torch.optim's as
    lib.optim.torch_optimizer builds them with lib.optim's defaults; weight_decay is the L2
    strength. X_val and y_val come together. batch_size=None is full batch.
    augment: None or a function applied to every training batch X_b -> X_b (random_shifts).
    lr_schedule: None (constant lr) or "cosine" (lr * (1 + cos(pi t / T)) / 2 at step t of T).
    running_acc=True takes "train_acc" from the epoch's own (augmented) batches as they were
    trained, at no cost, instead of from a separate pass over X after the epoch.
    Trains on pick_device(device) (CUDA where available) and leaves the model there.
    history: per-epoch "loss" (mean over the epoch's batches) and "lr" (at the epoch's start),
    and for classification "train_acc" and, with X_val, y_val, "val_acc".
    Introduced in the chapter on activations; augment and lr_schedule in the one on LeNet-5.
    """
    import torch
    if loss not in TORCH_LOSSES:
        raise ValueError(f"loss must be one of {TORCH_LOSSES}, got {loss!r}")
    if augment is not None and not callable(augment):
        raise TypeError(f"augment must be None or a function of a batch, got {type(augment).__name__}")
    B = check_training(lr, batch_size, num_epochs, len(X))
    if len(X) != len(y):
        raise ValueError(f"X and y differ in length: {len(X)} and {len(y)}")
    if (X_val is None) != (y_val is None):
        raise ValueError("give X_val and y_val together, or neither")
    opt, schedule = _optimizer_and_schedule(model, optimizer, lr, weight_decay, lr_schedule,
                                            int(num_epochs) * -(-len(X) // B))
    device = pick_device(device)
    torch.manual_seed(seed)
    model.to(device)
    X_t = _as_tensor(X, torch.float32, device)
    y_t = _as_tensor(y, torch.long if loss == "cross_entropy" else torch.float32, device)
    loss_fn = torch.nn.functional.cross_entropy if loss == "cross_entropy" else torch.nn.functional.mse_loss
    history = {"loss": [], "lr": []} | ({"train_acc": []} if loss == "cross_entropy" else {})
    if X_val is not None and loss == "cross_entropy":
        history["val_acc"] = []
    for bar in progress_epochs(int(num_epochs), progress):
        history["lr"].append(float(opt.param_groups[0]["lr"]))
        mean_loss, running = _train_epoch(model, X_t, y_t, B, opt, schedule, loss_fn, augment)
        history["loss"].append(mean_loss)
        if loss == "cross_entropy":
            history["train_acc"].append(running if running_acc else torch_accuracy(model, X_t, y_t))
            if "val_acc" in history:
                history["val_acc"].append(torch_accuracy(model, X_val, y_val))
        names = {"loss": "loss", "train_acc": "acc", "val_acc": "val_acc"}  # short: the bar is one line
        bar.set_postfix({names[k]: v[-1] for k, v in history.items() if k in names}, refresh=False)
    return history


def torch_accuracy(model, X, y, batch_size=1000):
    """Fraction of rows of X the model labels as y (argmax of its outputs), without gradients.

    Evaluates batch_size rows at a time, so that even all of MNIST fits in memory, and leaves
    the model in the mode (train or eval) it found it in.
    """
    import torch

    device, was_training = next(model.parameters()).device, model.training
    model.eval()
    try:
        with torch.no_grad():
            X_t, y_t = _as_tensor(X, torch.float32, device), _as_tensor(y, torch.long, device)
            correct = sum(int((model(X_t[i:i + batch_size]).argmax(dim=1) == y_t[i:i + batch_size]).sum())
                          for i in range(0, len(X_t), batch_size))
    finally:
        model.train(was_training)  # the mode it was found in
    return float(torch.tensor(correct, dtype=torch.float32) / len(X_t))  # as a float32 mean would be
