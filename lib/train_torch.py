"""The training loop every network chapter shares, in torch: train_torch, torch_accuracy and
torch_loss; the learning-rate schedules (lr_factor) and the learning-rate range test.

The numpy loops of the linear chapters are in lib.train; the optimizers come from torch.optim as
lib.optim.torch_optimizer builds them; data augmentation (random_shifts) is in lib.data, and the
progress bar in lib.widgets. Introduced in the chapter on activation functions.
"""

import numpy as np

from lib._checks import integer
from lib.train import check_training
from lib.widgets import progress_epochs

TORCH_LOSSES = ("cross_entropy", "mse")
LR_SCHEDULES = (None, "step", "cosine", "warmup_cosine")


def pick_device(device=None):
    """The torch device to train on: the one asked for, else CUDA where it exists, else the CPU."""
    import torch

    return torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))


def lr_factor(lr_schedule, t, num_steps, warmup=0.05):
    """The multiple of the base learning rate at step t of num_steps (t = 0, 1, ...).

    None: 1 throughout. "step": 1, then 0.1 from half way and 0.01 from three quarters.
    "cosine": (1 + cos(pi t / T)) / 2, from 1 down to 0. "warmup_cosine": a linear warm-up over
    the first warmup fraction of the steps, (t + 1) / W, then the cosine over the rest.
    """
    if lr_schedule not in LR_SCHEDULES:
        raise ValueError(f"lr_schedule must be one of {LR_SCHEDULES}, got {lr_schedule!r}")
    if lr_schedule is None:
        return 1.0
    if lr_schedule == "step":
        return 0.1 ** ((t >= num_steps / 2) + (t >= 3 * num_steps / 4))
    W = max(1, round(warmup * num_steps)) if lr_schedule == "warmup_cosine" else 0
    if t < W:
        return (t + 1) / W
    return 0.5 * (1 + np.cos(np.pi * (t - W) / max(1, num_steps - W)))


def _optimizer_and_schedule(model, optimizer, lr, weight_decay, lr_schedule, num_steps):
    """lib.optim.torch_optimizer's optimizer of that name for the model, and a per-step schedule."""
    import torch

    from lib.optim import OPTIMIZERS, torch_optimizer

    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {list(OPTIMIZERS)}, got {optimizer!r}")
    if lr_schedule not in LR_SCHEDULES:
        raise ValueError(f"lr_schedule must be one of {LR_SCHEDULES}, got {lr_schedule!r}")
    opt = torch_optimizer(optimizer, list(model.parameters()), lr=lr, weight_decay=weight_decay)
    return opt, torch.optim.lr_scheduler.LambdaLR(opt, lambda t: lr_factor(lr_schedule, t, num_steps))


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
                device=None, augment=None, lr_schedule=None, running_acc=False, restore_best=False):
    """Train a torch model; the loop every network chapter shares. Returns the history dict.

    X: (N, ...) array or tensor (on any device); y: (N,) integer labels for loss="cross_entropy",
    or targets shaped like the model's output for loss="mse". optimizer: a name of
    lib.optim.OPTIMIZERS ("sgd", "momentum" with rho = 0.9, "adam", "adamw", ...), torch.optim's
    as lib.optim.torch_optimizer builds them with lib.optim's defaults; weight_decay is the L2
    strength (for "adamw" its decoupled weight decay). X_val and y_val come together.
    batch_size=None is full batch.
    augment: None or a function applied to every training batch X_b -> X_b (random_shifts).
    lr_schedule: a name of LR_SCHEDULES, the learning rate's multiple per step (lr_factor).
    running_acc=True takes "train_acc" from the epoch's own (augmented) batches as they were
    trained, at no cost, instead of from a separate pass over X after the epoch.
    restore_best=True (early stopping, with X_val): end with the weights of the epoch with the
    best validation accuracy, history["best_epoch"] (counted from 0).
    Trains on pick_device(device) (CUDA where available) and leaves the model there.
    history: per-epoch "loss" (mean over the epoch's batches) and "lr" (at the epoch's start),
    and for classification "train_acc" and, with X_val, y_val, "val_loss" and "val_acc".
    Introduced in the chapter on activations; augment and lr_schedule in the one on LeNet-5,
    restore_best in the one on training in practice.
    """
    import torch
    if loss not in TORCH_LOSSES:
        raise ValueError(f"loss must be one of {TORCH_LOSSES}, got {loss!r}")
    if augment is not None and not callable(augment):
        raise TypeError(f"augment must be None or a function of a batch, got {type(augment).__name__}")
    B = check_training(lr, batch_size, num_epochs, len(X))
    if len(X) != len(y):
        raise ValueError(f"X and y differ in length: {len(X)} and {len(y)}")
    if (X_val is None) != (y_val is None) or (restore_best and X_val is None):
        raise ValueError("give X_val and y_val together, or neither (restore_best needs them)")
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
        history |= {"val_loss": [], "val_acc": []}
    best = None
    for bar in progress_epochs(int(num_epochs), progress):
        history["lr"].append(float(opt.param_groups[0]["lr"]))
        mean_loss, running = _train_epoch(model, X_t, y_t, B, opt, schedule, loss_fn, augment)
        history["loss"].append(mean_loss)
        if loss == "cross_entropy":
            history["train_acc"].append(running if running_acc else torch_accuracy(model, X_t, y_t))
            if "val_acc" in history:
                history["val_loss"].append(torch_loss(model, X_val, y_val))
                history["val_acc"].append(torch_accuracy(model, X_val, y_val))
        if restore_best and (best is None or history["val_acc"][-1] > history["val_acc"][best[0]]):
            best = (len(history["loss"]) - 1, {k: v.detach().clone() for k, v in model.state_dict().items()})
        names = {"loss": "loss", "train_acc": "acc", "val_acc": "val_acc"}  # short: the bar is one line
        bar.set_postfix({names[k]: v[-1] for k, v in history.items() if k in names}, refresh=False)
    if best is not None:  # early stopping: the weights of the best epoch
        history["best_epoch"] = best[0]
        model.load_state_dict(best[1])
    return history  # a few lines over 40: one loop, read top to bottom, is the clearest form


def lr_range_test(model, X, y, lr_min=1e-5, lr_max=10.0, num_steps=100, optimizer="sgd",
                  batch_size=64, seed=0, stop_factor=4.0):
    """The learning-rate range test (Smith 2017): train with a learning rate that grows
    exponentially from lr_min to lr_max over num_steps minibatch steps, recording the loss.

    Stops early once the loss exceeds stop_factor times the lowest seen (or is not finite).
    X: (N, ...), y: (N,) labels; the model is trained in place (give it a fresh one).
    Returns (lrs, losses), one entry per step taken. A good learning rate lies somewhat below
    the one where the loss falls fastest, well below where it blows up.
    """
    import torch

    from lib.optim import torch_optimizer

    if not 0 < lr_min < lr_max:
        raise ValueError(f"need 0 < lr_min < lr_max, got {lr_min} and {lr_max}")
    num_steps = integer("num_steps", num_steps, 2)
    B = check_training(lr_min, batch_size, 1, len(X))
    device = next(model.parameters()).device
    X_t, y_t = _as_tensor(X, torch.float32, device), _as_tensor(y, torch.long, device)
    generator = torch.Generator().manual_seed(seed)
    opt = torch_optimizer(optimizer, list(model.parameters()), lr=lr_min)
    lrs, losses = lr_min * (lr_max / lr_min) ** (np.arange(num_steps) / (num_steps - 1)), []
    model.train()
    for lr in lrs:
        idx = torch.randint(len(X_t), (B,), generator=generator).to(device)
        for group in opt.param_groups:
            group["lr"] = float(lr)
        opt.zero_grad()
        value = torch.nn.functional.cross_entropy(model(X_t[idx]), y_t[idx])
        value.backward()
        opt.step()
        losses.append(value.item())  # float(value) warns: value requires grad
        if not np.isfinite(losses[-1]) or losses[-1] > stop_factor * min(losses):
            break
    return lrs[:len(losses)], np.array(losses)


def _eval_batches(model, X, y=None, batch_size=1000, head=None):
    """[(head(X_b), y_b), ...]: the outputs of head (default: the model) on X batch_size rows at a
    time, without gradients, in eval mode; the model is left in the mode (train or eval) it was
    found in. X: an array or a tensor on any device; y: labels or None."""
    import torch

    device = next(model.parameters(), torch.empty(0)).device
    was_training, head = model.training, head or model
    model.eval()
    try:
        with torch.no_grad():
            X_t = _as_tensor(X, torch.float32, device)
            y_t = None if y is None else _as_tensor(y, torch.long, device)
            return [(head(X_t[i:i + batch_size]), None if y_t is None else y_t[i:i + batch_size])
                    for i in range(0, len(X_t), batch_size)]
    finally:
        model.train(was_training)


def _sum_over_batches(model, X, y, per_batch, batch_size):
    """sum of per_batch(outputs, labels) over X, y in batches (_eval_batches)."""
    return sum(float(per_batch(out, y_b)) for out, y_b in _eval_batches(model, X, y, batch_size))


def torch_accuracy(model, X, y, batch_size=1000):
    """Fraction of rows of X the model labels as y (argmax of its outputs), without gradients.

    Evaluates batch_size rows at a time, so that even all of MNIST fits in memory, and leaves
    the model in the mode (train or eval) it found it in.
    """
    import torch

    correct = _sum_over_batches(model, X, y, lambda out, y_b: (out.argmax(dim=1) == y_b).sum(), batch_size)
    return float(torch.tensor(correct, dtype=torch.float32) / len(X))  # as a float32 mean would be


def torch_loss(model, X, y, batch_size=1000):
    """The mean cross-entropy of the model's outputs on X against labels y, as torch_accuracy."""
    import torch

    summed = lambda out, y_b: torch.nn.functional.cross_entropy(out, y_b, reduction="sum")  # noqa: E731
    return _sum_over_batches(model, X, y, summed, batch_size) / len(X)
