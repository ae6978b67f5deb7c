"""Training loops for the linear classifiers, in numpy (the networks' torch loop: lib.train_torch).

Linear classifiers (random search, gradient descent, minibatch SGD): the data X: (N, D)
come in without a bias column; every function here appends
the constant 1 itself, so the weights W: (C, D + 1) carry the biases in their last column
(the bias trick of lib.linear). Losses come from lib.losses, updates from lib.optim.
Introduced in the chapter on gradient descent.
"""

import numpy as np

from lib._checks import integer, labels
from lib.linear import predict, with_bias
from lib.losses import LOSSES

LR_SCHEDULES = (None, "plateau", "step")


def _loss_function(name):
    from lib import losses

    if name not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {name!r}")
    return {"cross_entropy": losses.softmax_loss_vectorized, "svm": losses.svm_loss_vectorized}[name]


def _check_data(X, y, num_classes, name="X"):
    X = with_bias(X)
    num_classes = integer("num_classes", num_classes, 2)
    return X, labels(y, len(X), num_classes, name)


def _check_weights(W, X):
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.shape[1] != X.shape[1]:
        raise ValueError(f"W must be (C, D + 1) = (C, {X.shape[1]}) to match X, got shape {W.shape}")
    return W


def linear_loss(W, X, y, loss="cross_entropy", reg=0.0):
    """The loss of a linear classifier and its gradient. W: (C, D + 1), X: (N, D), y: (N,).

    Returns (loss, dW) with dW: (C, D + 1); the loss is the mean softmax cross-entropy or SVM
    loss of the scores [X, 1] W^T plus reg * sum W^2 (lib.losses).
    """
    loss_fn = _loss_function(loss)
    X1 = with_bias(X)
    return loss_fn(_check_weights(W, X1), X1, y, reg)


def accuracy(W, X, y):
    """Fraction of the rows of X: (N, D) that the classifier W: (C, D + 1) labels as y: (N,)."""
    y = np.asarray(y)
    if y.shape != (len(X),):
        raise ValueError(f"y must be (N,) = ({len(X)},) to match X, got shape {y.shape}")
    return float(np.mean(predict(X, W) == y))


def random_search(X, y, num_classes, num_tries=1000, scale=1e-3, loss="cross_entropy", seed=0):
    """Idea #1 of the lectures: draw W at random num_tries times and keep the best.

    Each try is W = scale * (a standard normal (C, D + 1) matrix), scored by its loss on all of
    X: (N, D), y: (N,) (no regularization). Returns W_best: (C, D + 1) and losses: (num_tries,),
    the loss of every try in order.
    """
    X1, y = _check_data(X, y, num_classes)
    loss_fn = _loss_function(loss)
    num_tries = integer("num_tries", num_tries, 1)
    if not scale > 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    rng = np.random.default_rng(seed)
    W_best, losses = None, np.zeros(int(num_tries))
    for t in range(int(num_tries)):
        W = scale * rng.standard_normal((int(num_classes), X1.shape[1]))
        losses[t] = loss_fn(W, X1, y)[0]
        if losses[t] <= losses[:t + 1].min():
            W_best = W
    return W_best, losses


def gradient_descent(loss_grad, w0, lr, num_steps):
    """Vanilla gradient descent w <- w - lr * grad on any function, every step recorded.

    loss_grad: w -> (loss, grad) with grad shaped like w; w0: the start (any shape).
    Returns path: (num_steps + 1, *w0.shape) and losses: (num_steps + 1,).
    """
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    num_steps = integer("num_steps", num_steps, 0)
    w = np.array(w0, dtype=np.float64)
    path, losses = [w.copy()], []
    for t in range(int(num_steps) + 1):
        loss, grad = loss_grad(w)
        losses.append(float(loss))
        if t < num_steps:
            w = w - lr * np.asarray(grad)
            path.append(w.copy())
    return np.array(path), np.array(losses)


def gradient_noise(W, X, y, batch_sizes, loss="cross_entropy", reg=0.0, num_samples=50, seed=0):
    """How far minibatch gradients stray from the full gradient, for each batch size.

    W: (C, D + 1), X: (N, D), y: (N,). For each B in batch_sizes, draws num_samples minibatches
    of B distinct examples and measures ||g_B - g|| / ||g||, with g the full-batch gradient.
    Returns an array (len(batch_sizes),) of the mean relative distances (0 for B = N).
    """
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2:
        raise ValueError(f"W must be (C, D + 1), got shape {W.shape}")
    X1, y = _check_data(X, y, len(W))
    W = _check_weights(W, X1)
    loss_fn = _loss_function(loss)
    num_samples = integer("num_samples", num_samples, 1)
    sizes = [int(B) for B in batch_sizes]
    if not sizes or min(sizes) < 1 or max(sizes) > len(X1):
        raise ValueError(f"batch_sizes must lie in 1..N = 1..{len(X1)}, got {list(batch_sizes)}")
    rng = np.random.default_rng(seed)
    g = loss_fn(W, X1, y, reg)[1]
    noise = np.zeros(len(sizes))
    for k, B in enumerate(sizes):
        for _ in range(int(num_samples)):
            idx = rng.choice(len(X1), size=B, replace=False)
            noise[k] += np.linalg.norm(loss_fn(W, X1[idx], y[idx], reg)[1] - g)
        noise[k] /= num_samples * np.linalg.norm(g)
    return noise


def _check_schedule(lr_schedule):
    if lr_schedule is None:
        return None
    kinds = LR_SCHEDULES[1:]
    if not isinstance(lr_schedule, tuple | list) or len(lr_schedule) != 3 or lr_schedule[0] not in kinds:
        raise ValueError(f"lr_schedule must be None or (kind, factor, epochs) with kind in "
                         f"{kinds}, got {lr_schedule!r}")
    kind, factor, epochs = lr_schedule
    if not 0 < factor < 1 or int(epochs) != epochs or epochs < 1:
        raise ValueError(f"lr_schedule needs 0 < factor < 1 and an integer number of epochs >= 1, "
                         f"got {lr_schedule!r}")
    return kind, float(factor), int(epochs)


def decayed_lr(lr, epoch_losses, lr_schedule, last_drop=0):
    """The learning rate for the next epoch, and the epoch count at the last drop.

    epoch_losses: the mean training loss of every epoch so far. lr_schedule = ("plateau", factor,
    patience): multiply lr by factor when the best loss of the last `patience` epochs is no
    better than the best before them (more than `patience` epochs after the last drop; the
    lectures' "start at 0.1, drop to 0.01 when the loss plateaus"). ("step", factor, every):
    multiply lr by factor every `every` epochs. None: keep lr.
    """
    decay = _check_schedule(lr_schedule)
    n = len(epoch_losses)
    if decay is None or n == 0:
        return lr, last_drop
    kind, factor, epochs = decay
    if kind == "step":
        return (lr * factor, n) if n % epochs == 0 else (lr, last_drop)
    if n - last_drop > epochs and min(epoch_losses[-epochs:]) >= min(epoch_losses[:-epochs]):
        return lr * factor, n
    return lr, last_drop


def check_training(lr, batch_size, num_epochs, N):
    """Check a training loop's settings (this loop and lib.train_torch's); returns the batch size."""
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    if batch_size is not None and (int(batch_size) != batch_size or batch_size < 1):
        raise ValueError(f"batch_size must be None (full batch) or an integer >= 1, got {batch_size}")
    num_epochs = integer("num_epochs", num_epochs, 1)
    return N if batch_size is None else min(int(batch_size), N)


def train_linear(X, y, num_classes, loss="cross_entropy", reg=1e-4, lr=0.1, optimizer="sgd", batch_size=64,
                 num_epochs=10, seed=0, X_val=None, y_val=None, lr_schedule=None, progress=True,
                 **optimizer_kwargs):
    """Train a linear classifier by minibatch gradient descent. X: (N, D), y: (N,) labels.

    Starts from W = 0.001 * standard normal (C, D + 1) and, each epoch, visits the data in
    shuffled minibatches of batch_size (lib.data.minibatches); batch_size=None or >= N is
    full-batch gradient descent (no shuffling). Each step computes the loss ("cross_entropy" or "svm",
    plus reg * sum W^2) and its gradient on the minibatch and lets the optimizer (a name for
    lib.optim.make_optimizer, with **optimizer_kwargs) update W. lr_schedule: see decayed_lr.
    Returns W: (C, D + 1) and history, a dict of lists: "loss" per step; "epoch_loss" (mean of
    the epoch's steps), "train_acc", "val_acc" (with X_val, y_val) and "lr" per epoch.
    """
    from lib.data import minibatches
    from lib.optim import OPTIMIZERS, make_optimizer
    from lib.widgets import progress_epochs

    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {list(OPTIMIZERS)}, got {optimizer!r}")
    X1, y = _check_data(X, y, num_classes)
    loss_fn = _loss_function(loss)
    B = check_training(lr, batch_size, num_epochs, len(X1))
    _check_schedule(lr_schedule)
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together")
    if X_val is not None:
        X_val1, y_val = _check_data(X_val, y_val, num_classes, name="X_val")
        if X_val1.shape[1] != X1.shape[1]:
            raise ValueError(f"X_val must have D = {X1.shape[1] - 1} columns like X, got {X_val1.shape}")
    rng = np.random.default_rng(seed)
    params = {"W": 0.001 * rng.standard_normal((int(num_classes), X1.shape[1]))}
    opt = make_optimizer(optimizer, params, lr=lr, **optimizer_kwargs)
    history = {"loss": [], "epoch_loss": [], "train_acc": [], "lr": []}
    if X_val is not None:
        history["val_acc"] = []
    last_drop = 0
    for _ in progress_epochs(int(num_epochs), progress, desc=f"{loss} ({optimizer})"):
        history["lr"].append(opt.lr)
        start = len(history["loss"])
        for X_b, y_b in minibatches(X1, y, B, rng=rng, shuffle=B < len(X1)):
            value, dW = loss_fn(params["W"], X_b, y_b, reg)
            opt.step({"W": dW})
            history["loss"].append(value)
        history["epoch_loss"].append(float(np.mean(history["loss"][start:])))
        history["train_acc"].append(float(np.mean(np.argmax(X1 @ params["W"].T, axis=1) == y)))
        if X_val is not None:
            history["val_acc"].append(float(np.mean(np.argmax(X_val1 @ params["W"].T, axis=1) == y_val)))
        opt.lr, last_drop = decayed_lr(opt.lr, history["epoch_loss"], lr_schedule, last_drop)
    return params["W"], history
