"""Linear classifiers: the score function f(x, W) = Wx + b, softmax, two learning rules, and the
binary SVM's widest margin.

Convention of the lectures: W is (C, D), one row (a template) per class, and b is (C,).
A batch X: (N, D) gets the scores X W^T + b: (N, C). Introduced in the chapter on linear
classifiers; the max-margin functions (svm_margin_fit and its helpers) in the chapter on loss
functions.
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


def _check_binary(X, y, w=None, b=None):
    """X: (N, D), y: (N,) in {0, 1} -> X as float64 and the signs t = 2y - 1 in {-1, +1}."""
    X = _check_X(X)
    t = 2.0 * labels(y, len(X), 2) - 1.0
    if w is not None:
        w = np.asarray(w, dtype=np.float64)
        if w.shape != (X.shape[1],):
            raise ValueError(f"w must be (D,) = ({X.shape[1]},) to match X, got shape {w.shape}")
        if np.ndim(b) != 0 or not np.isfinite(b):
            raise ValueError(f"b must be a finite number, got {b!r}")
    return X, t, w


def _up_and_low(t, alpha, C):
    """SMO's two index sets: the multipliers that may move up (and down) along t while staying in [0, C]."""
    return np.where(t > 0, alpha < C, alpha > 0), np.where(t > 0, alpha > 0, alpha < C)


def svm_margin_fit(X, y, C=1.0, tol=1e-10, max_iter=100_000):
    """The binary soft-margin SVM, solved exactly (to tol): the widest margin, at a price C per unit of slack.

    X: (N, D), y: (N,) labels in {0, 1}, which the SVM reads as t = 2y - 1 in {-1, +1} (class 1
    is the positive side). Returns w: (D,) and b: float, the minimizer of

        1/2 ||w||^2 + C sum_i max(0, 1 - t_i (w.x_i + b)),

    which is the hinge loss plus L2 regularization, (1/N) sum_i hinge_i + lam ||w||^2 with
    lam = 1 / (2 N C), times the constant N C. The bias is the book's, scores w.x + b (the
    lecture's hyperplane w.x - b = 0 has the opposite sign of b); scikit-learn's
    SVC(kernel="linear", C=C) solves the same problem (its coef_[0], intercept_[0]). A large C
    on separable data gives the hard margin: min 1/2 ||w||^2 subject to t_i (w.x_i + b) >= 1.

    Method: sequential minimal optimization (Platt's SMO, with the maximal violating pair of
    Keerthi et al., as libsvm) on the dual, min_a 1/2 a^T Q a - sum a with Q_ij = t_i t_j x_i.x_j,
    0 <= a_i <= C and sum_i a_i t_i = 0. Each step moves the two multipliers that violate the
    optimality conditions most, exactly to the best point on their segment, and stops when the
    largest violation is below tol. Then w = sum_i a_i t_i x_i (only the support vectors, a_i > 0,
    count), and b makes t_i (w.x_i + b) = 1 on the points strictly inside the box (0 < a_i < C),
    averaged; when there are none, b is not unique and is the middle of its interval, as in libsvm.
    Introduced in the chapter on loss functions.
    """
    X, t, _ = _check_binary(X, y)
    if not 0 < C < np.inf:
        raise ValueError(f"C must be a positive finite number, got {C!r}")
    if not tol > 0:
        raise ValueError(f"tol must be positive, got {tol!r}")
    max_iter = integer("max_iter", max_iter, 1)
    if len(np.unique(t)) < 2:
        raise ValueError(f"y must hold both labels 0 and 1, got {np.unique(y)}")
    K = X @ X.T
    alpha = np.zeros(len(X))
    G = -np.ones(len(X))  # the gradient Q a - 1 of the dual objective
    # a loop of 20 lines, kept whole: SMO's step reads best in one piece
    for _ in range(max_iter):
        score = -t * G  # = t_i - w.x_i: b must be >= it on the set "up", <= it on "low"
        up, low = _up_and_low(t, alpha, C)
        i = np.flatnonzero(up)[np.argmax(score[up])]
        j = np.flatnonzero(low)[np.argmin(score[low])]
        if score[i] - score[j] < tol:
            break
        # a_i += t_i d, a_j -= t_j d keeps sum a t = 0; the objective along d is a parabola
        curvature = max(K[i, i] + K[j, j] - 2 * K[i, j], 1e-12)
        room_i = C - alpha[i] if t[i] > 0 else alpha[i]
        room_j = alpha[j] if t[j] > 0 else C - alpha[j]
        d = min((score[i] - score[j]) / curvature, room_i, room_j)
        alpha[i] += t[i] * d
        alpha[j] -= t[j] * d
        G += d * t * (K[:, i] - K[:, j])
    else:
        raise RuntimeError(f"svm_margin_fit did not converge in max_iter = {max_iter} steps")
    w = X.T @ (alpha * t)
    score = t - X @ w
    free = (alpha > 0) & (alpha < C)
    if free.any():
        b = score[free].mean()
    else:  # every b in [max over "up", min over "low"] is optimal
        up, low = _up_and_low(t, alpha, C)
        b = (score[up].max() + score[low].min()) / 2
    return w, float(b)


def margin_width(w):
    """The width 2 / ||w|| of the margin between the lines w.x + b = -1 and w.x + b = +1. w: (D,).

    The distance from a point x to the hyperplane w.x + b = 0 is |w.x + b| / ||w||, so each of
    the two lines lies 1 / ||w|| from it. Introduced in the chapter on loss functions.
    """
    w = np.asarray(w, dtype=np.float64)
    if w.ndim != 1 or not np.any(w):
        raise ValueError(f"w must be a nonzero vector (D,), got {w!r}")
    return float(2.0 / np.linalg.norm(w))


def svm_slacks(X, y, w, b):
    """The slacks xi_i = max(0, 1 - t_i (w.x_i + b)) of a binary linear classifier: (N,).

    X: (N, D), y: (N,) in {0, 1} (t = 2y - 1), w: (D,), b: float. xi_i = 0 for a point on the
    right side of its margin line, 0 < xi_i < 1 inside the margin but on the right side of the
    line w.x + b = 0, and xi_i > 1 for a mistake. At the SVM's optimum each point's slack is
    its hinge loss.
    Introduced in the chapter on loss functions.
    """
    X, t, w = _check_binary(X, y, w, b)
    return np.maximum(0.0, 1.0 - t * (X @ w + b))


def support_vectors(X, y, w, b, tol=1e-6):
    """The indices (K,) of the support vectors of a binary linear classifier w: (D,), b: float.

    X: (N, D), y: (N,) in {0, 1} (t = 2y - 1). They are the points on their margin line or on
    its wrong side, t_i (w.x_i + b) <= 1 + tol; at the SVM's optimum, these are (barring exact
    ties) the points with a nonzero dual multiplier (scikit-learn's support_), the only ones w
    depends on.
    Introduced in the chapter on loss functions.
    """
    X, t, w = _check_binary(X, y, w, b)
    if not tol >= 0:
        raise ValueError(f"tol must be >= 0, got {tol!r}")
    return np.flatnonzero(t * (X @ w + b) <= 1.0 + tol)
