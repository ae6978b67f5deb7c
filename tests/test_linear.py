"""Linear classifiers: scores, the bias trick, softmax, the perceptron, the delta rule, the binary SVM."""

import numpy as np
import pytest

from lib.data import make_blobs2d, web_demo_points
from lib.linear import (
    bias_trick,
    delta_rule_step,
    delta_rule_train,
    linear_scores,
    margin_width,
    one_hot,
    perceptron_train,
    predict,
    softmax,
    support_vectors,
    svm_margin_fit,
    svm_slacks,
)

TRUTH_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def test_scores_match_an_explicit_loop_and_the_web_demo_table():
    X, _, W, b = web_demo_points()
    loop = np.array([[sum(W[c, d] * x[d] for d in range(2)) + b[c] for c in range(3)] for x in X])
    np.testing.assert_allclose(linear_scores(X, W, b), loop, atol=1e-12)
    np.testing.assert_allclose(linear_scores(X, W, b)[0], [1.95, -0.10, 0.60], atol=1e-9)


def test_cat_image_example():
    x = np.array([[56.0, 231.0, 24.0, 2.0]])
    W = np.array([[0.2, -0.5, 0.1, 2.0], [1.5, 1.3, 2.1, 0.0], [0.0, 0.25, 0.2, -0.3]])
    b = np.array([1.1, 3.2, -1.2])
    np.testing.assert_allclose(linear_scores(x, W, b)[0], [-96.8, 437.9, 60.75], atol=1e-9)
    assert predict(x, W, b)[0] == 1


def test_bias_trick_gives_the_same_scores():
    rng = np.random.default_rng(0)
    X, W, b = rng.normal(size=(7, 5)), rng.normal(size=(3, 5)), rng.normal(size=3)
    X1, W1 = bias_trick(X, W, b)
    assert X1.shape == (7, 6) and W1.shape == (3, 6)
    np.testing.assert_array_equal(X1[:, -1], 1.0)
    np.testing.assert_allclose(X1 @ W1.T, linear_scores(X, W, b), atol=1e-12)
    # one predict for both forms: W and b apart, or W1 with the biases in its last column
    np.testing.assert_array_equal(predict(X, W1), predict(X, W, b))
    np.testing.assert_array_equal(predict(X, W1), np.argmax(X1 @ W1.T, axis=1))


def test_softmax_rows_sum_to_one_and_survive_huge_scores():
    scores = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -1000.0]])
    p = softmax(scores)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p[0], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
    np.testing.assert_allclose(p[1], [1.0, 0.0, 0.0], atol=1e-300)
    np.testing.assert_allclose(p[2], [1 / 3] * 3)
    np.testing.assert_allclose(softmax(scores + 123.0), p)  # shift invariance


def test_one_hot():
    np.testing.assert_array_equal(one_hot(np.array([2, 0]), 3), [[0, 0, 1], [1, 0, 0]])


def test_softmax_step_by_hand():
    # W = 0: all scores 0, h = (1/3, 1/3, 1/3); true class 2, so h - t = (1/3, 1/3, -2/3).
    W, b, x = np.zeros((3, 2)), np.zeros(3), np.array([1.0, 2.0])
    W1, b1 = delta_rule_step(W, b, x, 2, rule="softmax", lr=0.3)
    np.testing.assert_allclose(W1, [[-0.1, -0.2], [-0.1, -0.2], [0.2, 0.4]])
    np.testing.assert_allclose(b1, [-0.1, -0.1, 0.2])


def test_softmax_step_is_a_gradient_step_on_cross_entropy():
    rng = np.random.default_rng(1)
    W, b, x, y, lr = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=3), 1, 1e-3

    def loss(W):
        return -np.log(softmax(linear_scores(x[None], W, b))[0, y])

    eps, dW = 1e-6, np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        E = np.zeros_like(W)
        E[idx] = eps
        dW[idx] = (loss(W + E) - loss(W - E)) / (2 * eps)
    W1, _ = delta_rule_step(W, b, x, y, rule="softmax", lr=lr)
    np.testing.assert_allclose(W1, W - lr * dW, atol=1e-10)


def test_perceptron_step_by_hand():
    # scores (1, 0, 0): predicts class 0, truth is 1: row 0 loses lr x, row 1 gains lr x.
    W, b, x = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]]), np.zeros(3), np.array([1.0, 2.0])
    W1, b1 = delta_rule_step(W, b, x, 1, rule="perceptron", lr=0.5)
    np.testing.assert_allclose(W1, [[0.5, -1.0], [0.5, 1.0], [0.0, 0.0]])
    np.testing.assert_allclose(b1, [-0.5, 0.5, 0.0])
    W2, b2 = delta_rule_step(W, b, x, 0, rule="perceptron", lr=0.5)  # correct: no change
    np.testing.assert_array_equal(W2, W)
    np.testing.assert_array_equal(b2, b)


@pytest.mark.parametrize("name, y", [("AND", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1])])
def test_perceptron_learns_and_and_or(name, y):
    w, b, mistakes = perceptron_train(TRUTH_X, np.array(y), num_epochs=30)
    assert mistakes[-1] == 0 and mistakes[0] > 0
    np.testing.assert_array_equal((TRUTH_X @ w + b > 0).astype(int), y)


def test_perceptron_never_learns_xor():
    _, _, mistakes = perceptron_train(TRUTH_X, np.array([0, 1, 1, 0]), num_epochs=100)
    assert np.all(mistakes > 0)


def test_perceptron_update_by_hand():
    # w = 0 misclassifies the first example (label 1 -> s = +1): w <- lr x, b <- lr.
    w, b, mistakes = perceptron_train(np.array([[2.0, -1.0]]), np.array([1]), lr=0.5, num_epochs=3)
    np.testing.assert_allclose(w, [1.0, -0.5])
    assert b == 0.5
    np.testing.assert_array_equal(mistakes, [1, 0, 0])


def test_softmax_regression_agrees_with_scikit_learn_on_separable_blobs():
    from sklearn.linear_model import LogisticRegression

    X, y = make_blobs2d(n_per_class=40, spread=0.2, seed=3)
    W, b, history = delta_rule_train(X, y, 3, rule="softmax", lr=0.1, num_epochs=20)
    sk = LogisticRegression(C=100.0, max_iter=2000).fit(X, y)
    assert history[-1] == 1.0 == sk.score(X, y)
    np.testing.assert_array_equal(predict(X, W, b), sk.predict(X))
    # Softmax scores are defined up to a common shift: compare centred weight directions.
    Wc, Sc = W - W.mean(axis=0), sk.coef_ - sk.coef_.mean(axis=0)
    cos = np.sum(Wc * Sc, axis=1) / np.linalg.norm(Wc, axis=1) / np.linalg.norm(Sc, axis=1)
    assert np.all(cos > 0.9)


def test_multiclass_perceptron_separates_blobs():
    X, y = make_blobs2d(n_per_class=40, spread=0.2, seed=3)
    W, b, history = delta_rule_train(X, y, 3, rule="perceptron", lr=0.1, num_epochs=20)
    assert history.shape == (20,) and history[-1] == 1.0
    assert np.mean(predict(X, W, b) == y) == 1.0


def test_training_is_deterministic_given_the_seed():
    X, y = make_blobs2d(seed=1)
    a = delta_rule_train(X, y, 3, num_epochs=2, seed=5)
    b = delta_rule_train(X, y, 3, num_epochs=2, seed=5)
    np.testing.assert_array_equal(a[0], b[0])


@pytest.mark.parametrize("call, word", [
    (lambda: linear_scores(np.zeros((2, 3)), np.zeros((4, 5)), np.zeros(4)), "X"),
    (lambda: linear_scores(np.zeros(3), np.zeros((4, 3)), np.zeros(4)), "X"),
    (lambda: linear_scores(np.zeros((2, 3)), np.zeros(3), np.zeros(1)), "W"),
    (lambda: linear_scores(np.zeros((2, 3)), np.zeros((4, 3)), np.zeros(3)), "b"),
    (lambda: bias_trick(np.zeros((2, 3)), np.zeros((4, 3)), np.zeros((4, 1))), "b"),
    (lambda: softmax(np.zeros(3)), "scores"),
    (lambda: perceptron_train(TRUTH_X, np.array([0, 1, 2, 0])), "y"),
    (lambda: perceptron_train(TRUTH_X, np.array([0, 1, 1])), "y"),
    (lambda: perceptron_train(TRUTH_X, np.array([0, 1, 1, 0]), lr=0), "lr"),
    (lambda: perceptron_train(TRUTH_X, np.array([0, 1, 1, 0]), num_epochs=0), "num_epochs"),
    (lambda: delta_rule_train(TRUTH_X, np.array([0, 1, 1, 0]), 2, rule="svm"), "rule"),
    (lambda: delta_rule_train(TRUTH_X, np.array([0, 1, 1, 0]), 2, lr=-0.1), "lr"),
    (lambda: delta_rule_train(TRUTH_X, np.array([0, 1, 3, 0]), 3), "y"),
    (lambda: delta_rule_train(TRUTH_X, np.array([0, -1, 1, 0]), 2), "y"),
    (lambda: delta_rule_train(TRUTH_X, np.array([0.0, 1.0, 1.0, 0.0]), 2), "y"),
    (lambda: delta_rule_train(TRUTH_X, np.array([0, 1, 1, 0]), 2, num_epochs=0), "num_epochs"),
    (lambda: delta_rule_train(TRUTH_X, np.array([0, 1, 1, 0]), 1), "num_classes"),
    (lambda: delta_rule_step(np.zeros((3, 2)), np.zeros(3), np.zeros(3), 0), "x"),
    (lambda: delta_rule_step(np.zeros((3, 2)), np.zeros(3), np.zeros(2), 3), "y"),
    (lambda: delta_rule_step(np.zeros((3, 2)), np.zeros(3), np.zeros(2), 0, rule="hinge"), "rule"),
    (lambda: svm_margin_fit(TRUTH_X, np.array([0, 1, 2, 0])), "y"),
    (lambda: svm_margin_fit(TRUTH_X, np.array([-1, 1, 1, -1])), "y"),  # labels are 0 and 1, not -1 and +1
    (lambda: svm_margin_fit(TRUTH_X, np.array([1, 1, 1, 1])), "y"),     # one class only
    (lambda: svm_margin_fit(TRUTH_X, np.array([0, 1, 1])), "y"),
    (lambda: svm_margin_fit(TRUTH_X[0], np.array([0, 1])), "X"),
    (lambda: svm_margin_fit(TRUTH_X, np.array([0, 0, 0, 1]), C=0), "C"),
    (lambda: svm_margin_fit(TRUTH_X, np.array([0, 0, 0, 1]), C=-1.0), "C"),
    (lambda: svm_margin_fit(TRUTH_X, np.array([0, 0, 0, 1]), C=np.inf), "C"),
    (lambda: svm_margin_fit(TRUTH_X, np.array([0, 0, 0, 1]), C=np.nan), "C"),
    (lambda: svm_margin_fit(TRUTH_X, np.array([0, 0, 0, 1]), tol=0.0), "tol"),
    (lambda: svm_margin_fit(TRUTH_X, np.array([0, 0, 0, 1]), max_iter=0), "max_iter"),
    (lambda: margin_width(np.zeros(2)), "w"),
    (lambda: margin_width(np.ones((2, 2))), "w"),
    (lambda: svm_slacks(TRUTH_X, np.array([0, 0, 0, 1]), np.ones(3), 0.0), "w"),
    (lambda: svm_slacks(TRUTH_X, np.array([0, 0, 0, 1]), np.ones(2), np.zeros(2)), "b"),
    (lambda: svm_slacks(TRUTH_X, np.array([0, 0, 0, 1]), np.ones(2), np.nan), "b"),
    (lambda: support_vectors(TRUTH_X, np.array([0, 0, 0, 2]), np.ones(2), 0.0), "y"),
    (lambda: support_vectors(TRUTH_X, np.array([0, 0, 0, 1]), np.ones(2), 0.0, tol=-1.0), "tol"),
])
def test_bad_input_names_the_argument(call, word):
    with pytest.raises(ValueError, match=rf"\b{word}\b"):
        call()


def test_class_lines_lie_where_the_score_is_zero_and_arrows_point_along_w():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from lib.plot_linear import plot_class_lines

    _, _, W, b = web_demo_points()
    ax = Figure().add_subplot()
    plot_class_lines(W, b, ax=ax)
    assert len(ax.lines) == 3 and ax.get_xlim() == (-1.0, 1.0)
    for line, w, bc in zip(ax.lines, W, b, strict=True):
        points = np.column_stack([line.get_xdata(), line.get_ydata()])
        np.testing.assert_allclose(points @ w + bc, 0.0, atol=1e-9)
    for arrow, w in zip(ax.texts, W, strict=True):
        direction = np.subtract(arrow.xy, arrow.xyann)
        np.testing.assert_allclose(direction / np.linalg.norm(direction), w / np.linalg.norm(w))
    with pytest.raises(ValueError, match="W"):
        plot_class_lines(np.zeros((3, 3)), np.zeros(3), ax=ax)


def test_score_equation_shows_the_computed_scores():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from lib.plot_linear import plot_score_equation

    W = np.array([[0.2, -0.5, 0.1, 2.0], [1.5, 1.3, 2.1, 0.0], [0.0, 0.25, 0.2, -0.3]])
    ax = Figure().add_subplot()
    plot_score_equation(W, np.array([56.0, 231.0, 24.0, 2.0]), np.array([1.1, 3.2, -1.2]),
                        class_names=["cat", "dog", "ship"], image_shape=(2, 2), ax=ax)
    texts = [t.get_text() for t in ax.texts]
    assert {"-96.80", "437.90", "60.75", "cat", "ship", "W", "x", "b"} <= set(texts)
    with pytest.raises(ValueError, match="x"):
        plot_score_equation(W, np.zeros(3), np.zeros(3), ax=ax)


def _two_clouds(seed, N=60, D=2, gap=3.0):
    """Two Gaussian clouds in D dimensions whose centres are gap apart (labels 0 and 1, shuffled)."""
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.repeat([0, 1], N // 2))
    direction = rng.normal(size=D)
    X = rng.normal(size=(N, D)) + np.outer(y - 0.5, gap * direction / np.linalg.norm(direction))
    return X + rng.normal(size=D), y  # off the origin: the bias matters


def _svm_objective(X, y, w, b, C):
    return 0.5 * w @ w + C * svm_slacks(X, y, w, b).sum()


@pytest.mark.parametrize("seed, D, gap, C", [
    (0, 2, 6.0, 1.0), (1, 2, 6.0, 100.0),        # separable
    (2, 2, 1.5, 0.1), (3, 2, 1.5, 1.0), (4, 2, 1.0, 10.0), (5, 5, 1.0, 1.0), (6, 5, 2.0, 0.03),
])
def test_svm_margin_fit_agrees_with_scikit_learn(seed, D, gap, C):
    from sklearn.svm import SVC

    X, y = _two_clouds(seed, D=D, gap=gap)
    w, b = svm_margin_fit(X, y, C=C)
    sk = SVC(kernel="linear", C=C, tol=1e-10).fit(X, y)
    w_sk, b_sk = sk.coef_[0], sk.intercept_[0]
    # libsvm stops short of the optimum by up to about 1e-5 of |w| where C is large and the classes
    # overlap (a tighter tol does not help: its objective stays the higher one); ours does not move
    # when its own tolerance is tightened a hundredfold.
    scale = np.linalg.norm(w)
    np.testing.assert_allclose(w, w_sk, atol=1e-5 * scale)
    assert abs(b - b_sk) < 1e-5 * scale
    assert abs(margin_width(w) - margin_width(w_sk)) < 1e-5 * margin_width(w)
    np.testing.assert_array_equal(support_vectors(X, y, w, b), np.sort(sk.support_))
    assert _svm_objective(X, y, w, b, C) <= _svm_objective(X, y, w_sk, b_sk, C) * (1 + 1e-12)
    w_tight, b_tight = svm_margin_fit(X, y, C=C, tol=1e-12)
    assert np.abs(np.append(w_tight - w, b_tight - b)).max() < 1e-8 * scale
    xi, t = svm_slacks(X, y, w, b), 2 * y - 1  # the slacks are the constraints' shortfalls
    assert np.all(xi >= 0) and np.all(t * (X @ w + b) >= 1 - xi - 1e-12)


def test_svm_margin_fit_minimizes_the_hinge_plus_l2_objective_with_lambda_1_over_2NC():
    X, y = _two_clouds(7, gap=1.5)
    C = 0.5
    w, b = svm_margin_fit(X, y, C=C)
    objective = {lam: (lambda w_, b_, lam=lam: svm_slacks(X, y, w_, b_).mean() + lam * w_ @ w_)
                 for lam in (1 / (2 * len(X) * C), 1 / (len(X) * C))}
    nudges = 1e-4 * np.random.default_rng(0).normal(size=(300, 3))
    right, wrong = objective.values()
    assert min(right(w + d[:2], b + d[2]) for d in nudges) > right(w, b)
    assert min(wrong(w + d[:2], b + d[2]) for d in nudges) < wrong(w, b)  # C = 1 / (N lambda) is not it


def test_hard_margin_of_two_points_by_hand():
    X, y = np.array([[0.0, 0.0], [2.0, 1.0]]), np.array([0, 1])
    d = X[1] - X[0]
    w, b = svm_margin_fit(X, y, C=100.0)
    np.testing.assert_allclose(w, 2 * d / (d @ d), atol=1e-9)     # (0.8, 0.4)
    assert abs(b + 1.0) < 1e-9
    assert abs(margin_width(w) - np.sqrt(5.0)) < 1e-9             # the distance between the points
    np.testing.assert_allclose(X @ w + b, [-1.0, 1.0], atol=1e-9)  # both on their margin lines
    np.testing.assert_array_equal(support_vectors(X, y, w, b), [0, 1])
    # below C = 2 / |d|^2 = 0.4 the soft margin is wider: w = C d, b at the bisector, slack 1 - C |d|^2 / 2
    w, b = svm_margin_fit(X, y, C=0.1)
    np.testing.assert_allclose(w, 0.1 * d, atol=1e-9)
    assert abs(b + 0.25) < 1e-9 and abs(margin_width(w) - 2 / (0.1 * np.sqrt(5.0))) < 1e-9
    np.testing.assert_allclose(svm_slacks(X, y, w, b), [0.75, 0.75], atol=1e-9)


def test_margin_width_is_2_over_the_norm_and_the_distance_between_the_margin_lines():
    assert margin_width(np.array([3.0, 4.0])) == pytest.approx(0.4)
    w, b = np.array([1.0, -2.0]), 0.5
    on_plus = np.array([1.0, 0.0]) + (1 - (1.0 + b)) * w / (w @ w)   # w.x + b = +1
    on_minus = on_plus - margin_width(w) * w / np.linalg.norm(w)      # one margin width across
    assert on_plus @ w + b == pytest.approx(1.0) and on_minus @ w + b == pytest.approx(-1.0)


def test_the_margin_shrinks_and_the_slack_falls_as_C_grows():
    X, y = make_blobs2d(n_per_class=20, num_classes=2, spread=0.7, seed=0)
    fits = [svm_margin_fit(X, y, C=C) for C in (0.01, 0.1, 1.0, 10.0, 100.0)]
    margins = [margin_width(w) for w, _ in fits]
    slacks = [svm_slacks(X, y, w, b).sum() for w, b in fits]
    assert np.all(np.diff(margins) < 0) and np.all(np.diff(slacks) < 1e-9)
    assert [len(support_vectors(X, y, w, b)) for w, b in fits] == [40, 22, 10, 7, 5]


def test_the_support_vectors_alone_give_the_same_classifier():
    for gap, C in [(6.0, 10.0), (1.5, 1.0)]:
        X, y = _two_clouds(8, gap=gap)
        w, b = svm_margin_fit(X, y, C=C)
        sv = support_vectors(X, y, w, b)
        assert 2 <= len(sv) < len(X)
        w_sv, b_sv = svm_margin_fit(X[sv], y[sv], C=C)
        np.testing.assert_allclose(w_sv, w, atol=1e-6)
        assert abs(b_sv - b) < 1e-6


def test_slacks_are_the_two_class_hinge_losses():
    from lib.losses import hinge_losses

    X, y = _two_clouds(9, gap=1.0)
    w, b = svm_margin_fit(X, y, C=1.0)
    scores = np.column_stack([np.zeros(len(X)), X @ w + b])  # class 0 scores 0, class 1 w.x + b
    np.testing.assert_allclose(svm_slacks(X, y, w, b), hinge_losses(scores, y), atol=1e-12)
    assert np.all(predict(X, np.array([[0.0, 0.0], w]), np.array([0.0, b])) == (X @ w + b > 0))


def test_svm_margin_fit_says_when_it_stops_short():
    X, y = _two_clouds(10, gap=1.0)
    with pytest.raises(RuntimeError, match="max_iter"):
        svm_margin_fit(X, y, C=10.0, max_iter=2)


def test_plot_svm_margin_draws_the_lines_the_circles_and_the_width():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from lib.plot_linear import plot_svm_margin

    X, y = _two_clouds(11, gap=4.0)
    w, b = svm_margin_fit(X, y, C=10.0)
    ax = Figure().add_subplot()
    plot_svm_margin(X, y, w, b, ax=ax, title="t")
    levels = []
    for line in ax.lines:
        points = np.column_stack([line.get_xdata(), line.get_ydata()])
        values = points @ w + b
        np.testing.assert_allclose(values, values[0], atol=1e-6)  # each line is a level set of w.x + b
        levels.append(round(values[0], 6))
    assert sorted(levels) == [-1.0, 0.0, 1.0]
    circled = ax.collections[-1].get_offsets()
    np.testing.assert_allclose(circled, X[support_vectors(X, y, w, b)])
    arrow = next(t for t in ax.texts if hasattr(t, "xyann"))
    assert np.linalg.norm(np.subtract(arrow.xy, arrow.xyann)) == pytest.approx(margin_width(w))
    assert ax.get_legend().get_texts()[0].get_text() == f"2/‖w‖ = {margin_width(w):.2f}"
    assert ax.get_title() == "t" and ax.get_aspect() == 1.0
    with pytest.raises(ValueError, match="X"):
        plot_svm_margin(np.zeros((3, 3)), np.array([0, 1, 1]), np.ones(2), 0.0, ax=ax)
