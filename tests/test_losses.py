"""Loss functions: the lectures' worked examples, naive == vectorized, gradient checks, torch agreement."""

import numpy as np
import pytest

from lib.data import web_demo_points
from lib.gradcheck import numerical_gradient, relative_error
from lib.linear import bias_trick
from lib.losses import (
    cross_entropy_losses,
    gradient_descent_linear,
    hinge_losses,
    regularization,
    softmax_loss,
    softmax_loss_naive,
    softmax_loss_vectorized,
    svm_loss,
    svm_loss_naive,
    svm_loss_vectorized,
)

# The lecture's three images (cat, car, frog), one column of scores each; rows are the classes.
DECK_SCORES = np.array([[3.2, 1.3, 2.2], [5.1, 4.9, 2.5], [-1.7, 2.0, -3.1]]).T
DECK_LABELS = np.array([0, 1, 2])


def random_problem(N=12, D=5, C=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(C, D)), rng.normal(size=(N, D)), rng.integers(0, C, size=N)


def test_deck_worked_example_svm():
    np.testing.assert_allclose(hinge_losses(DECK_SCORES, DECK_LABELS), [2.9, 0.0, 12.9], atol=1e-12)
    loss, _ = svm_loss(DECK_SCORES, DECK_LABELS)
    assert loss == pytest.approx((2.9 + 0 + 12.9) / 3, abs=1e-12)
    assert round(loss, 2) == 5.27


def test_deck_worked_example_softmax_by_hand():
    s = DECK_SCORES[0]  # the cat image
    expected = -np.log(np.exp(3.2) / np.exp(s).sum())
    assert cross_entropy_losses(DECK_SCORES, DECK_LABELS)[0] == pytest.approx(expected, rel=1e-12)


def test_web_demo_numbers_of_the_slide():
    X, y, W, b = web_demo_points()
    losses = hinge_losses(X @ W.T + b, y)
    np.testing.assert_allclose(losses, [0.00, 0.16, 0.00, 2.68, 6.41, 1.49, 2.50, 3.30, 4.18], atol=0.005)
    data_loss, reg_loss = losses.mean(), 0.1 * regularization(W)[0]
    assert (round(data_loss, 2), round(reg_loss, 2), round(data_loss + reg_loss, 2)) == (2.30, 3.93, 6.23)


def test_sanity_checks_at_small_weights():
    rng = np.random.default_rng(0)
    C = 10
    scores = 1e-6 * rng.normal(size=(50, C))
    y = rng.integers(0, C, size=50)
    assert svm_loss(scores, y)[0] == pytest.approx(C - 1, abs=1e-4)
    assert softmax_loss(scores, y)[0] == pytest.approx(np.log(C), abs=1e-5)


@pytest.mark.parametrize("naive, vectorized", [(svm_loss_naive, svm_loss_vectorized),
                                               (softmax_loss_naive, softmax_loss_vectorized)])
@pytest.mark.parametrize("reg", [0.0, 0.3])
def test_naive_equals_vectorized_and_gradient_checks(naive, vectorized, reg):
    W, X, y = random_problem()
    loss_n, dW_n = naive(W, X, y, reg)
    loss_v, dW_v = vectorized(W, X, y, reg)
    assert abs(loss_n - loss_v) < 1e-10
    assert np.max(np.abs(dW_n - dW_v)) < 1e-10
    dW_num = numerical_gradient(lambda W_: vectorized(W_, X, y, reg)[0], W.copy())
    assert relative_error(dW_num, dW_v) < 1e-7


@pytest.mark.parametrize("loss_fn", [svm_loss, softmax_loss])
def test_score_gradients_check_numerically(loss_fn):
    rng = np.random.default_rng(1)
    scores, y = rng.normal(size=(8, 5)), rng.integers(0, 5, size=8)
    _, dscores = loss_fn(scores, y)
    dnum = numerical_gradient(lambda s: loss_fn(s, y)[0], scores.copy())
    assert relative_error(dnum, dscores) < 1e-7


@pytest.mark.parametrize("kind", ["L2", "L1"])
def test_regularization_values_and_gradients(kind):
    w1, w2 = np.array([[1.0, 0, 0, 0]]), np.array([[0.25] * 4])
    R1, R2 = regularization(w1, kind)[0], regularization(w2, kind)[0]
    assert (R1, R2) == ((1.0, 0.25) if kind == "L2" else (1.0, 1.0))
    W = np.random.default_rng(2).normal(size=(3, 4))
    dnum = numerical_gradient(lambda W_: regularization(W_, kind)[0], W.copy())
    assert relative_error(dnum, regularization(W, kind)[1]) < 1e-7


def test_softmax_agrees_with_torch():
    torch = pytest.importorskip("torch")
    W, X, y = random_problem(N=20, D=6, C=5, seed=3)
    loss, dW = softmax_loss_vectorized(W, X, y, reg=0.0)
    Wt = torch.tensor(W, requires_grad=True)
    lt = torch.nn.functional.cross_entropy(torch.tensor(X) @ Wt.T, torch.tensor(y))
    lt.backward()
    assert abs(loss - lt.item()) < 1e-12
    np.testing.assert_allclose(dW, Wt.grad.numpy(), atol=1e-12)
    scores = np.random.default_rng(4).normal(size=(7, 3)) * 10
    labels = np.array([0, 1, 2, 2, 1, 0, 0])
    st = torch.tensor(scores, requires_grad=True)
    torch.nn.functional.cross_entropy(st, torch.tensor(labels)).backward()
    np.testing.assert_allclose(softmax_loss(scores, labels)[1], st.grad.numpy(), atol=1e-12)


def test_svm_agrees_with_torch_multi_margin_loss():
    torch = pytest.importorskip("torch")
    scores = np.random.default_rng(5).normal(size=(9, 4))
    y = np.array([0, 1, 2, 3, 0, 1, 2, 3, 0])
    st = torch.tensor(scores, requires_grad=True)
    # torch divides each example's sum by the number of classes C
    (4 * torch.nn.functional.multi_margin_loss(st, torch.tensor(y))).backward()
    loss, dscores = svm_loss(scores, y)
    assert loss == pytest.approx(4 * torch.nn.functional.multi_margin_loss(st, torch.tensor(y)).item())
    np.testing.assert_allclose(dscores, st.grad.numpy(), atol=1e-12)


def test_softmax_is_stable_at_huge_scores():
    scores = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]])
    y = np.array([0, 0])
    loss, dscores = softmax_loss(scores, y)
    assert np.isfinite(loss) and np.all(np.isfinite(dscores))
    np.testing.assert_allclose(cross_entropy_losses(scores, y), [0.0, 2000.0], atol=1e-12)
    np.testing.assert_allclose(dscores, [[0, 0, 0], [-0.5, 0.5, 0]], atol=1e-12)  # (p - one_hot) / N
    W = np.array([[1000.0], [-1000.0]])
    loss_n, dW_n = softmax_loss_naive(W, np.array([[1.0], [-1.0]]), np.array([1, 0]))
    assert np.isfinite(loss_n) and np.all(np.isfinite(dW_n))


def test_bias_trick_objective_regularizes_b_too():
    X, y, W, b = web_demo_points()
    X1, W1 = bias_trick(X, W, b)
    loss, _ = svm_loss_vectorized(W1, X1, y, reg=0.1)
    assert loss == pytest.approx(hinge_losses(X @ W.T + b, y).mean() + 0.1 * (np.sum(W**2) + np.sum(b**2)))


def test_gradient_descent_records_the_deck_start_and_improves():
    X, y, W, b = web_demo_points()
    h = gradient_descent_linear(X, y, W, b, loss="svm", reg=0.1, lr=0.4, num_steps=50)
    assert h["W"].shape == (51, 3, 2) and h["b"].shape == (51, 3) and h["losses"].shape == (51, 9)
    assert round(h["total_loss"][0], 2) == 6.23 and round(h["reg_loss"][0], 2) == 3.93
    assert h["total_loss"][-1] < 1.0
    assert np.all(np.argmax(X @ h["W"][-1].T + h["b"][-1], axis=1) == y)
    # one step by hand
    loss, dscores = svm_loss(X @ W.T + b, y)
    np.testing.assert_allclose(h["W"][1], W - 0.4 * (dscores.T @ X + 0.2 * W))
    np.testing.assert_allclose(h["b"][1], b - 0.4 * dscores.sum(axis=0))
    np.testing.assert_allclose(h["data_loss"], h["losses"].mean(axis=1))
    soft = gradient_descent_linear(X, y, W, b, loss="cross_entropy", num_steps=3)
    np.testing.assert_allclose(soft["losses"][0], cross_entropy_losses(X @ W.T + b, y))


def test_bad_input_is_rejected_with_the_argument_named():
    W, X, y = random_problem()
    cases = [
        (lambda: svm_loss(np.zeros(3), [0]), "scores"),
        (lambda: svm_loss(np.zeros((2, 3)), [0, 3]), "y"),
        (lambda: softmax_loss(np.zeros((2, 3)), [0]), "y"),
        (lambda: softmax_loss(np.zeros((2, 3)), [0.5, 1.0]), "y"),
        (lambda: svm_loss(np.zeros((2, 3)), [0, 1], margin=0), "margin"),
        (lambda: svm_loss_naive(W, X[:, :3], y), "X"),
        (lambda: softmax_loss_vectorized(W[0], X, y), "W"),
        (lambda: svm_loss_vectorized(W, X, y, reg=-1.0), "reg"),
        (lambda: softmax_loss_naive(W, X, y[:-1]), "y"),
        (lambda: regularization(W, "L3"), "kind"),
        (lambda: gradient_descent_linear(X, y, W, np.zeros(4), loss="hinge"), "loss"),
        (lambda: gradient_descent_linear(X, y, W, np.zeros(3)), "b"),
        (lambda: gradient_descent_linear(X, y, W, np.zeros(4), lr=0), "lr"),
        (lambda: gradient_descent_linear(X, y, W, np.zeros(4), num_steps=-1), "num_steps"),
    ]
    for call, name in cases:
        with pytest.raises(ValueError, match=name):
            call()
