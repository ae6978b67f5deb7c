"""Linear classifiers: scores, the bias trick, softmax, the perceptron and the delta rule."""

import numpy as np
import pytest

from lib.data import make_blobs2d, web_demo_points
from lib.linear import (
    bias_trick,
    delta_rule_step,
    delta_rule_train,
    linear_scores,
    one_hot,
    perceptron_train,
    predict,
    softmax,
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
])
def test_bad_input_names_the_argument(call, word):
    with pytest.raises(ValueError, match=rf"\b{word}\b"):
        call()


def test_class_lines_lie_where_the_score_is_zero_and_arrows_point_along_w():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from lib.plot import plot_class_lines

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

    from lib.plot import plot_score_equation

    W = np.array([[0.2, -0.5, 0.1, 2.0], [1.5, 1.3, 2.1, 0.0], [0.0, 0.25, 0.2, -0.3]])
    ax = Figure().add_subplot()
    plot_score_equation(W, np.array([56.0, 231.0, 24.0, 2.0]), np.array([1.1, 3.2, -1.2]),
                        class_names=["cat", "dog", "ship"], image_shape=(2, 2), ax=ax)
    texts = [t.get_text() for t in ax.texts]
    assert {"-96.80", "437.90", "60.75", "cat", "ship", "W", "x", "b"} <= set(texts)
    with pytest.raises(ValueError, match="x"):
        plot_score_equation(W, np.zeros(3), np.zeros(3), ax=ax)
