"""Linear classifiers: the score function f(x, W) = Wx + b, softmax, and two learning rules.

Convention of the lectures: W is (C, D), one row (a template) per class, and b is (C,).
A batch X: (N, D) gets the scores X W^T + b: (N, C). Introduced in the chapter on linear
classifiers.
"""

import numpy as np

from lib._checks import integer, labels

RULES = ("softmax", "perceptron")


def _check_params(W, b):
    W, b = np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if W.ndim != 2:
        raise ValueError(f"W must be (C, D), got shape {W.shape}")
    if b.shape != (W.shape[0],):
        raise ValueError(f"b must be (C,) = ({W.shape[0]},) to match W, got shape {b.shape}")
    return W, b


def _check_X(X, D=None):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be (N, D), got shape {X.shape}")
    if D is not None and X.shape[1] != D:
        raise ValueError(f"X must have D = {D} columns to match W, got shape {X.shape}")
    return X


def linear_scores(X, W, b):
    """Class scores of a linear classifier. X: (N, D), W: (C, D), b: (C,) -> scores (N, C)."""
    W, b = _check_params(W, b)
    return _check_X(X, W.shape[1]) @ W.T + b


def with_bias(X):
    """X: (N, D) -> [X, 1]: (N, D + 1), the input side of the bias trick."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be (N, D), got shape {X.shape}")
    return np.hstack([X, np.ones((len(X), 1))])


def bias_trick(X, W, b):
    """Fold b into W: X1 = [X, 1]: (N, D+1) and W1 = [W, b]: (C, D+1), with X1 W1^T = X W^T + b."""
    W, b = _check_params(W, b)
    return with_bias(_check_X(X, W.shape[1])), np.hstack([W, b[:, None]])


def softmax(scores):
    """Row-wise softmax of scores (N, C) -> probabilities (N, C); each row sums to 1.

    Subtracting each row's maximum first changes nothing mathematically (the factor
    e^(-max) cancels) but keeps exp() from overflowing on large scores.
    """
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 2:
        raise ValueError(f"scores must be (N, C), got shape {scores.shape}")
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def predict(X, W, b=None):
    """The class with the highest score for each row of X (N, D) -> labels (N,).

    b=None: W is (C, D + 1) with the biases in its last column (the bias trick), as lib.train keeps it.
    """
    if b is None:
        W = np.asarray(W, dtype=np.float64)
        W, b = W[:, :-1], W[:, -1]
    return np.argmax(linear_scores(X, W, b), axis=1)


def one_hot(y, num_classes):
    """Labels y: (N,) in 0..num_classes-1 -> one-hot targets (N, num_classes)."""
    y = labels(y, len(np.asarray(y)), num_classes)
    return np.eye(num_classes)[y]


def perceptron_train(X, y, lr=1.0, num_epochs=20, seed=0):
    """Rosenblatt's perceptron for two classes. X: (N, D), y: (N,) in {0, 1}.

    Labels become s = ±1; on each mistake (s (w.x + b) <= 0) the rule is
    w <- w + lr s x and b <- b + lr s. Examples are visited in a fresh random order each epoch.
    Returns w: (D,), b: float, and mistakes: (num_epochs,) the number of mistakes per epoch.
    """
    X = _check_X(X)
    s = 2.0 * labels(y, len(X), 2) - 1.0
    _check_training(lr, num_epochs)
    rng = np.random.default_rng(seed)
    w, b = np.zeros(X.shape[1]), 0.0
    mistakes = np.zeros(num_epochs, dtype=np.int64)
    for epoch in range(num_epochs):
        for i in rng.permutation(len(X)):
            if s[i] * (X[i] @ w + b) <= 0:
                w, b = w + lr * s[i] * X[i], b + lr * s[i]
                mistakes[epoch] += 1
    return w, b, mistakes


def _check_training(lr, num_epochs):
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr}")
    num_epochs = integer("num_epochs", num_epochs, 1)


def delta_rule_step(W, b, x, y, rule="softmax", lr=0.1):
    """One update W <- W - lr (h - t) x^T, b <- b - lr (h - t) on one example.

    x: (D,), y: its label, t = one-hot(y): (C,). h = softmax(Wx + b) for rule="softmax"
    (a gradient step on the cross-entropy loss), or h = one-hot(argmax(Wx + b)) for
    rule="perceptron" (the multiclass perceptron). Returns new arrays W: (C, D), b: (C,).
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    W, b = _check_params(W, b)
    x = np.asarray(x, dtype=np.float64)
    if x.shape != (W.shape[1],):
        raise ValueError(f"x must be (D,) = ({W.shape[1]},) to match W, got shape {x.shape}")
    if y not in range(len(W)):
        raise ValueError(f"y must be a label 0..{len(W) - 1}, got {y}")
    return _step(W, b, x, int(y), rule, lr)


def _step(W, b, x, y, rule, lr):
    scores = W @ x + b
    if rule == "softmax":
        h = np.exp(scores - scores.max())
        h /= h.sum()
    else:
        h = np.zeros(len(W))
        h[np.argmax(scores)] = 1.0
    h[y] -= 1.0  # h - t
    return W - lr * np.outer(h, x), b - lr * h


def delta_rule_train(X, y, num_classes, rule="softmax", lr=0.1, num_epochs=10, seed=0):
    """Softmax regression (rule="softmax") or the multiclass perceptron (rule="perceptron").

    X: (N, D), y: (N,) labels 0..num_classes-1. Starts from W = 0, b = 0 and applies
    delta_rule_step to every example, in a fresh random order each epoch.
    Returns W: (C, D), b: (C,), history: (num_epochs,) training accuracy after each epoch.
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    num_classes = integer("num_classes", num_classes, 2)
    X = _check_X(X)
    y = labels(y, len(X), num_classes)
    _check_training(lr, num_epochs)
    rng = np.random.default_rng(seed)
    W, b = np.zeros((num_classes, X.shape[1])), np.zeros(num_classes)
    history = np.zeros(num_epochs)
    for epoch in range(num_epochs):
        for i in rng.permutation(len(X)):
            W, b = _step(W, b, X[i], y[i], rule, lr)
        history[epoch] = np.mean(predict(X, W, b) == y)
    return W, b, history
