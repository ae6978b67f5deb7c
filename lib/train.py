"""Training loops: numpy ones for linear classifiers, and one torch loop for every network.

Linear classifiers (random search, gradient descent, minibatch SGD): the data X: (N, D)
come in without a bias column; every function here appends
the constant 1 itself, so the weights W: (C, D + 1) carry the biases in their last column
(the bias trick of lib.linear). Losses come from lib.losses, updates from lib.optim.
Introduced in the chapter on gradient descent.
"""

import numpy as np

LOSSES = ("softmax", "svm")
DECAYS = ("plateau", "step")


def _loss_function(name):
    from lib import losses

    if name not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {name!r}")
    return {"softmax": losses.softmax_loss_vectorized, "svm": losses.svm_loss_vectorized}[name]


def with_bias(X):
    """X: (N, D) -> [X, 1]: (N, D + 1), the input side of the bias trick."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be (N, D), got shape {X.shape}")
    return np.hstack([X, np.ones((len(X), 1))])


def _check_data(X, y, num_classes, name="X"):
    X = with_bias(X)
    y = np.asarray(y)
    if y.shape != (len(X),):
        raise ValueError(f"y must be (N,) = ({len(X)},) to match {name}, got shape {y.shape}")
    if int(num_classes) != num_classes or num_classes < 2:
        raise ValueError(f"num_classes must be an integer >= 2, got {num_classes}")
    if len(y) and (not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"y must hold integer labels 0..{num_classes - 1}, got {np.unique(y)}")
    return X, y.astype(np.int64)


def _check_weights(W, X):
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.shape[1] != X.shape[1]:
        raise ValueError(f"W must be (C, D + 1) = (C, {X.shape[1]}) to match X, got shape {W.shape}")
    return W


def linear_loss(W, X, y, loss="softmax", reg=0.0):
    """The loss of a linear classifier and its gradient. W: (C, D + 1), X: (N, D), y: (N,).

    Returns (loss, dW) with dW: (C, D + 1); the loss is the mean softmax or SVM loss of the
    scores [X, 1] W^T plus reg * sum W^2 (lib.losses).
    """
    loss_fn = _loss_function(loss)
    X1 = with_bias(X)
    return loss_fn(_check_weights(W, X1), X1, y, reg)


def predict_linear(W, X):
    """Predicted labels (N,) of the classifier W: (C, D + 1) on X: (N, D)."""
    X1 = with_bias(X)
    return np.argmax(X1 @ _check_weights(W, X1).T, axis=1)


def accuracy(W, X, y):
    """Fraction of the rows of X: (N, D) whose predicted label equals y: (N,)."""
    y = np.asarray(y)
    if y.shape != (len(X),):
        raise ValueError(f"y must be (N,) = ({len(X)},) to match X, got shape {y.shape}")
    return float(np.mean(predict_linear(W, X) == y))


def random_search(X, y, num_classes, num_tries=1000, scale=1e-3, loss="softmax", seed=0):
    """Idea #1 of the lectures: draw W at random num_tries times and keep the best.

    Each try is W = scale * (a standard normal (C, D + 1) matrix), scored by its loss on all of
    X: (N, D), y: (N,) (no regularization). Returns W_best: (C, D + 1) and losses: (num_tries,),
    the loss of every try in order.
    """
    X1, y = _check_data(X, y, num_classes)
    loss_fn = _loss_function(loss)
    if int(num_tries) != num_tries or num_tries < 1:
        raise ValueError(f"num_tries must be an integer >= 1, got {num_tries}")
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
    if int(num_steps) != num_steps or num_steps < 0:
        raise ValueError(f"num_steps must be an integer >= 0, got {num_steps}")
    w = np.array(w0, dtype=np.float64)
    path, losses = [w.copy()], []
    for t in range(int(num_steps) + 1):
        loss, grad = loss_grad(w)
        losses.append(float(loss))
        if t < num_steps:
            w = w - lr * np.asarray(grad)
            path.append(w.copy())
    return np.array(path), np.array(losses)


def gradient_noise(W, X, y, batch_sizes, loss="softmax", reg=0.0, num_samples=50, seed=0):
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
    if int(num_samples) != num_samples or num_samples < 1:
        raise ValueError(f"num_samples must be an integer >= 1, got {num_samples}")
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


def _check_decay(lr_decay):
    if lr_decay is None:
        return None
    if not isinstance(lr_decay, tuple | list) or len(lr_decay) != 3 or lr_decay[0] not in DECAYS:
        raise ValueError(f"lr_decay must be None or (kind, factor, epochs) with kind in {DECAYS}, "
                         f"got {lr_decay!r}")
    kind, factor, epochs = lr_decay
    if not 0 < factor < 1 or int(epochs) != epochs or epochs < 1:
        raise ValueError(f"lr_decay needs 0 < factor < 1 and an integer number of epochs >= 1, "
                         f"got {lr_decay!r}")
    return kind, float(factor), int(epochs)


def decayed_lr(lr, epoch_losses, lr_decay, last_drop=0):
    """The learning rate for the next epoch, and the epoch count at the last drop.

    epoch_losses: the mean training loss of every epoch so far. lr_decay = ("plateau", factor,
    patience): multiply lr by factor when the best loss of the last `patience` epochs is no
    better than the best before them (at least `patience` epochs after the last drop; the
    lectures' "start at 0.1, drop to 0.01 when the loss plateaus"). ("step", factor, every):
    multiply lr by factor every `every` epochs. None: keep lr.
    """
    decay = _check_decay(lr_decay)
    n = len(epoch_losses)
    if decay is None or n == 0:
        return lr, last_drop
    kind, factor, epochs = decay
    if kind == "step":
        return (lr * factor, n) if n % epochs == 0 else (lr, last_drop)
    if n - last_drop > epochs and min(epoch_losses[-epochs:]) >= min(epoch_losses[:-epochs]):
        return lr * factor, n
    return lr, last_drop


def _check_training(lr, batch_size, num_epochs, N):
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    if batch_size is not None and (int(batch_size) != batch_size or batch_size < 1):
        raise ValueError(f"batch_size must be None (full batch) or an integer >= 1, got {batch_size}")
    if int(num_epochs) != num_epochs or num_epochs < 1:
        raise ValueError(f"num_epochs must be an integer >= 1, got {num_epochs}")
    return N if batch_size is None else min(int(batch_size), N)


def train_linear(X, y, num_classes, loss="softmax", reg=1e-4, lr=0.1, optimizer="sgd", batch_size=64,
                 num_epochs=10, seed=0, X_val=None, y_val=None, lr_decay=None, progress=True,
                 **optimizer_kwargs):
    """Train a linear classifier by minibatch gradient descent. X: (N, D), y: (N,) labels.

    Starts from W = 0.001 * standard normal (C, D + 1) and, each epoch, visits the data in
    shuffled minibatches of batch_size (lib.data.minibatches); batch_size=None or >= N is
    full-batch gradient descent (no shuffling). Each step computes the loss ("softmax" or "svm",
    plus reg * sum W^2) and its gradient on the minibatch and lets the optimizer (a name for
    lib.optim.make_optimizer, with **optimizer_kwargs) update W. lr_decay: see decayed_lr.
    Returns W: (C, D + 1) and history, a dict of lists: "loss" per step; "epoch_loss" (mean of
    the epoch's steps), "train_acc", "val_acc" (with X_val, y_val) and "lr" per epoch.
    """
    from tqdm.auto import tqdm

    from lib.data import minibatches
    from lib.optim import OPTIMIZERS, make_optimizer

    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {list(OPTIMIZERS)}, got {optimizer!r}")
    X1, y = _check_data(X, y, num_classes)
    loss_fn = _loss_function(loss)
    B = _check_training(lr, batch_size, num_epochs, len(X1))
    _check_decay(lr_decay)
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
    for _ in tqdm(range(int(num_epochs)), desc=f"{loss} ({optimizer})", disable=not progress):
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
        opt.lr, last_drop = decayed_lr(opt.lr, history["epoch_loss"], lr_decay, last_drop)
    return params["W"], history


TORCH_LOSSES = ("cross_entropy", "mse")
LR_SCHEDULES = (None, "cosine")


def pick_device(device=None):
    """The torch device to train on: the one asked for, else CUDA where it exists, else the CPU."""
    import torch

    return torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))


def random_shifts(X, max_shift=2):
    """Data augmentation: each image of X (N, C, H, W) moved by its own random offset (dy, dx).

    dy, dx are whole pixels drawn uniformly from -max_shift..max_shift by torch's generator;
    pixels moved in from outside are 0. Introduced in the chapter on LeNet-5 and AlexNet.
    """
    import torch

    if X.ndim != 4:
        raise ValueError(f"X must be a batch of images (N, C, H, W), got shape {tuple(X.shape)}")
    if int(max_shift) != max_shift or max_shift < 0:
        raise ValueError(f"max_shift must be an integer >= 0, got {max_shift}")
    (N, C, H, W), s = X.shape, int(max_shift)
    dy, dx = torch.randint(0, 2 * s + 1, (2, N, 1), device=X.device)
    rows = (dy + torch.arange(H, device=X.device)).view(N, 1, H, 1).expand(N, C, H, W + 2 * s)
    cols = (dx + torch.arange(W, device=X.device)).view(N, 1, 1, W).expand(N, C, H, W)
    return torch.nn.functional.pad(X, (s, s, s, s)).gather(2, rows).gather(3, cols)


def _show_bar(bar, handle=None):
    """Show or update a notebook bar: the widget for Jupyter, its text for the static HTML book."""
    import html

    from IPython.display import display

    text = f'<pre style="white-space: pre-wrap">{html.escape(str(bar))}</pre>'
    bundle = bar.container._repr_mimebundle_() | {"text/html": text}
    return display(bundle, raw=True, display_id=True) if handle is None else handle.update(bundle, raw=True)


def _torch_optimizer(model, optimizer, lr, weight_decay, lr_schedule, num_steps):
    """torch.optim's optimizer of that name for the model, and a per-step learning-rate schedule."""
    import torch

    makers = {"sgd": lambda p: torch.optim.SGD(p, lr=lr, weight_decay=weight_decay),
              "momentum": lambda p: torch.optim.SGD(p, lr=lr, momentum=0.9, weight_decay=weight_decay),
              "adam": lambda p: torch.optim.Adam(p, lr=lr, weight_decay=weight_decay)}
    if optimizer not in makers:
        raise ValueError(f"optimizer must be one of {list(makers)}, got {optimizer!r}")
    if lr_schedule not in LR_SCHEDULES:
        raise ValueError(f"lr_schedule must be one of {LR_SCHEDULES}, got {lr_schedule!r}")
    opt = makers[optimizer](model.parameters())
    return opt, torch.optim.lr_scheduler.LambdaLR(
        opt, lambda t: 1.0 if lr_schedule is None else 0.5 * (1 + np.cos(np.pi * t / num_steps)))


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

    X: (N, ...) array or tensor; y: (N,) integer labels for loss="cross_entropy", or targets
    shaped like the model's output for loss="mse". optimizer: "sgd", "momentum" (0.9) or
    "adam" from torch.optim; weight_decay is the L2 strength. batch_size=None is full batch.
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
    from tqdm.auto import tqdm
    from tqdm.notebook import tqdm_notebook

    if loss not in TORCH_LOSSES:
        raise ValueError(f"loss must be one of {TORCH_LOSSES}, got {loss!r}")
    if augment is not None and not callable(augment):
        raise TypeError(f"augment must be None or a function of a batch, got {type(augment).__name__}")
    B = _check_training(lr, batch_size, num_epochs, len(X))
    if len(X) != len(y):
        raise ValueError(f"X and y differ in length: {len(X)} and {len(y)}")
    opt, schedule = _torch_optimizer(model, optimizer, lr, weight_decay, lr_schedule,
                                     int(num_epochs) * -(-len(X) // B))
    device = pick_device(device)
    torch.manual_seed(seed)
    model.to(device)
    X_t = torch.as_tensor(np.asarray(X), dtype=torch.float32, device=device)
    y_t = torch.as_tensor(np.asarray(y), dtype=torch.long if loss == "cross_entropy" else torch.float32,
                          device=device)
    loss_fn = torch.nn.functional.cross_entropy if loss == "cross_entropy" else torch.nn.functional.mse_loss
    history = {"loss": [], "lr": []} | ({"train_acc": []} if loss == "cross_entropy" else {})
    if X_val is not None and loss == "cross_entropy":
        history["val_acc"] = []
    in_notebook = progress and issubclass(tqdm, tqdm_notebook)
    bar = tqdm(range(int(num_epochs)), desc="training", disable=not progress,
               **({"display": False} if in_notebook else {}))
    handle = _show_bar(bar) if in_notebook else None
    for _ in bar:
        history["lr"].append(float(opt.param_groups[0]["lr"]))
        mean_loss, running = _train_epoch(model, X_t, y_t, B, opt, schedule, loss_fn, augment)
        history["loss"].append(mean_loss)
        if loss == "cross_entropy":
            history["train_acc"].append(running if running_acc else torch_accuracy(model, X_t, y_t))
            if "val_acc" in history:
                history["val_acc"].append(torch_accuracy(model, X_val, y_val))
        names = {"loss": "loss", "train_acc": "acc", "val_acc": "val_acc"}  # short: the bar is one line
        bar.set_postfix({names[k]: v[-1] for k, v in history.items() if k in names}, refresh=False)
    if handle is not None:
        _show_bar(bar, handle)
    return history


def torch_accuracy(model, X, y, batch_size=1000):
    """Fraction of rows of X the model labels as y (argmax of its outputs), without gradients.

    Evaluates batch_size rows at a time, so that even all of MNIST fits in memory.
    """
    import torch

    device = next(model.parameters()).device
    model.eval()
    with torch.no_grad():
        X_t = torch.as_tensor(X if torch.is_tensor(X) else np.asarray(X), dtype=torch.float32, device=device)
        y_t = torch.as_tensor(y if torch.is_tensor(y) else np.asarray(y), device=device)
        correct = sum(int((model(X_t[i:i + batch_size]).argmax(dim=1) == y_t[i:i + batch_size]).sum())
                      for i in range(0, len(X_t), batch_size))
        return float(torch.tensor(correct, dtype=torch.float32) / len(X_t))  # as a float32 mean would be
