"""Loss functions of a linear classifier: the multiclass SVM (hinge) loss, softmax cross-entropy,
and L1/L2 regularization, each with its gradient.

Convention of lib.linear: W: (C, D), X: (N, D), scores = X W^T: (N, C) (fold a bias into W
with lib.linear.bias_trick), y: (N,) integer labels 0..C-1. The full objective is
L = (1/N) sum_i L_i + reg * R(W). Introduced in the chapter on loss functions.
"""

import numpy as np

from lib._checks import integer, labels

LOSSES = ("svm", "cross_entropy")  # the names lib.train and lib.train_torch use too
REGULARIZERS = ("L2", "L1")


def _check_scores(scores, y):
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 2:
        raise ValueError(f"scores must be (N, C), got shape {scores.shape}")
    return scores, labels(y, *scores.shape)


def _check_data(W, X, y, reg):
    W, X = np.asarray(W, dtype=np.float64), np.asarray(X, dtype=np.float64)
    if W.ndim != 2:
        raise ValueError(f"W must be (C, D), got shape {W.shape}")
    if X.ndim != 2 or X.shape[1] != W.shape[1]:
        raise ValueError(f"X must be (N, D) with D = {W.shape[1]} to match W, got shape {X.shape}")
    if not reg >= 0:
        raise ValueError(f"reg must be >= 0, got {reg}")
    return W, X, labels(y, len(X), len(W))


def hinge_losses(scores, y, margin=1.0):
    """Per-example multiclass SVM losses L_i = sum_{j != y_i} max(0, s_j - s_{y_i} + margin).

    scores: (N, C), y: (N,) -> (N,). Weston and Watkins' multiclass hinge loss.
    """
    scores, y = _check_scores(scores, y)
    if not margin > 0:
        raise ValueError(f"margin must be > 0, got {margin}")
    rows = np.arange(len(y))
    margins = np.maximum(0.0, scores - scores[rows, y][:, None] + margin)
    margins[rows, y] = 0.0  # the correct class is not compared with itself
    return margins.sum(axis=1)


def svm_loss(scores, y, margin=1.0):
    """Mean multiclass hinge loss over the rows of scores (N, C), and its gradient dscores (N, C).

    dL_i/ds_j = 1 for each class j != y_i that violates the margin, and
    dL_i/ds_{y_i} = -(the number of such classes).
    """
    loss = hinge_losses(scores, y, margin).mean()
    scores, y = _check_scores(scores, y)
    rows = np.arange(len(y))
    violated = (scores - scores[rows, y][:, None] + margin > 0).astype(np.float64)
    violated[rows, y] = 0.0
    violated[rows, y] = -violated.sum(axis=1)
    return float(loss), violated / len(y)


def cross_entropy_losses(scores, y):
    """Per-example softmax cross-entropy L_i = -log(e^{s_{y_i}} / sum_j e^{s_j}): (N, C), (N,) -> (N,).

    Written as log-sum-exp minus the correct score, with each row's maximum subtracted first,
    so scores of +-1000 give finite losses.
    """
    scores, y = _check_scores(scores, y)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return 0.0 - log_probs[np.arange(len(y)), y]  # 0.0 - x: no "-0.0" for a perfect score


def softmax_loss(scores, y):
    """Mean softmax cross-entropy over the rows of scores (N, C), and its gradient dscores (N, C).

    dL_i/ds = p_i - one_hot(y_i), with p_i = softmax(s_i) computed stably.
    """
    loss = cross_entropy_losses(scores, y).mean()
    scores, y = _check_scores(scores, y)
    p = np.exp(scores - scores.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1.0
    return float(loss), p / len(y)


def regularization(W, kind="L2"):
    """The penalty R(W) and its gradient dR (same shape as W).

    kind="L2": R = sum W^2, dR = 2W. kind="L1": R = sum |W|, dR = sign(W) (a subgradient, 0 at 0).
    """
    if kind not in REGULARIZERS:
        raise ValueError(f"kind must be one of {REGULARIZERS}, got {kind!r}")
    W = np.asarray(W, dtype=np.float64)
    if kind == "L2":
        return float(np.sum(W * W)), 2.0 * W
    return float(np.sum(np.abs(W))), np.sign(W)


def svm_loss_naive(W, X, y, reg=0.0):
    """Multiclass SVM loss (margin 1) + reg * sum W^2 with explicit loops, and dW: (C, D).

    W: (C, D), X: (N, D), y: (N,). The loops follow the formula one example and class at a time.
    """
    W, X, y = _check_data(W, X, y, reg)
    N, C = len(X), len(W)
    loss, dW = 0.0, np.zeros_like(W)
    for i in range(N):
        scores = W @ X[i]
        for j in range(C):
            if j == y[i]:
                continue
            margin = scores[j] - scores[y[i]] + 1.0
            if margin > 0:
                loss += margin
                dW[j] += X[i]
                dW[y[i]] -= X[i]
    loss, dW = loss / N, dW / N
    return float(loss + reg * np.sum(W * W)), dW + 2.0 * reg * W


def _objective(score_loss, W, X, y, reg):
    """score_loss of the scores X W^T plus reg * sum W^2, and dW = dscores^T X + 2 reg W."""
    W, X, y = _check_data(W, X, y, reg)
    loss, dscores = score_loss(X @ W.T, y)
    R, dR = regularization(W, "L2")
    return float(loss + reg * R), dscores.T @ X + reg * dR


def svm_loss_vectorized(W, X, y, reg=0.0):
    """The same as svm_loss_naive without loops: scores = X W^T, dW = dscores^T X + 2 reg W."""
    return _objective(svm_loss, W, X, y, reg)


def softmax_loss_naive(W, X, y, reg=0.0):
    """Softmax cross-entropy + reg * sum W^2 with explicit loops, and dW: (C, D).

    W: (C, D), X: (N, D), y: (N,). Each example's scores are shifted by their maximum first.
    """
    W, X, y = _check_data(W, X, y, reg)
    N, C = len(X), len(W)
    loss, dW = 0.0, np.zeros_like(W)
    for i in range(N):
        scores = W @ X[i]
        scores = scores - scores.max()
        total = sum(np.exp(scores[j]) for j in range(C))
        loss += np.log(total) - scores[y[i]]
        for j in range(C):
            p_j = np.exp(scores[j]) / total
            dW[j] += (p_j - (j == y[i])) * X[i]
    loss, dW = loss / N, dW / N
    return float(loss + reg * np.sum(W * W)), dW + 2.0 * reg * W


def softmax_loss_vectorized(W, X, y, reg=0.0):
    """The same as softmax_loss_naive without loops: scores = X W^T, dW = dscores^T X + 2 reg W."""
    return _objective(softmax_loss, W, X, y, reg)


def gradient_descent_linear(X, y, W, b, loss="svm", reg=0.0, lr=0.1, num_steps=50):
    """Full-batch gradient descent on a linear classifier's loss, every step recorded (the web demo).

    X: (N, D), y: (N,), starting W: (C, D) and b: (C,). Minimises the mean svm_loss or
    softmax_loss of the scores X W^T + b plus reg * sum W^2 (the bias is not regularized), with
    W <- W - lr dW and b <- b - lr db. Returns a dict of arrays over steps t = 0..num_steps:
    "W": (T, C, D), "b": (T, C), "losses": (T, N) per-example losses, "data_loss": (T,),
    "reg_loss": (T,) = reg * sum W^2, and "total_loss": (T,), with T = num_steps + 1.
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    num_steps = integer("num_steps", num_steps, 0)
    W, X, y = _check_data(W, X, y, reg)
    b = np.asarray(b, dtype=np.float64)
    if b.shape != (len(W),):
        raise ValueError(f"b must be (C,) = ({len(W)},) to match W, got shape {b.shape}")
    per_example, mean_loss = {"svm": (hinge_losses, svm_loss),
                              "cross_entropy": (cross_entropy_losses, softmax_loss)}[loss]
    history = {key: [] for key in ("W", "b", "losses", "data_loss", "reg_loss")}
    for t in range(int(num_steps) + 1):
        scores = X @ W.T + b
        data_loss, dscores = mean_loss(scores, y)
        R, dR = regularization(W, "L2")
        for key, value in zip(history, (W, b, per_example(scores, y), data_loss, reg * R), strict=True):
            history[key].append(value)
        if t < num_steps:
            W, b = W - lr * (dscores.T @ X + reg * dR), b - lr * dscores.sum(axis=0)
    history = {key: np.array(values) for key, values in history.items()}
    history["total_loss"] = history["data_loss"] + history["reg_loss"]
    return history
