"""lib/js/linear_classifier.js, the linear-classifier web demo of the chapters on linear classifiers
and on loss functions: scores, regions, losses and gradient steps against lib.linear and
lib.losses; its controls, dragging by mouse and by touch, and the phone."""

import re

import numpy as np
import pytest

from lib.data import web_demo_points
from lib.linear import linear_scores, predict
from lib.losses import (
    cross_entropy_losses,
    gradient_descent_linear,
    hinge_losses,
    softmax_loss,
    softmax_loss_vectorized,
    svm_loss,
    svm_loss_vectorized,
)
from lib.widgets import PageDemo

IMPORT = "const m = await import('./widgets/linear_classifier.js');"


def linear_demo(**losses):
    """The demo as chapters/03_linear_classifiers builds it; with loss=..., reg=..., lr=... as
    chapters/04_loss_functions does."""
    X, y, W, b = web_demo_points()
    return PageDemo("linear_classifier", X=X.tolist(), y=y.tolist(), W=W.tolist(), b=b.tolist(),
                    extent=[-1.0, 1.0, -1.0, 1.0], arrow_scale=0.15, **losses)


def loss_demo():
    return linear_demo(loss="svm", reg=0.1, lr=0.4)


def call(page, name, *args):
    return page.evaluate(f"async (args) => {{ {IMPORT} return m.{name}(...args); }}",
                         [np.asarray(a).tolist() if isinstance(a, np.ndarray) else a for a in args])


@pytest.fixture
def page(demo_page):
    page, errors = demo_page(linear_demo())
    yield page
    assert not errors, "\n".join(errors)


def random_problem(seed, N=9, C=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(C, 2)) * 2, rng.normal(size=C), rng.uniform(-1, 1, (N, 2)), rng.integers(0, C, N)


def test_scores_and_predictions_are_libs(page):
    for seed in range(4):
        W, b, X, _ = random_problem(seed, N=50)
        js = call(page, "linearScores", W, b, X)
        assert np.allclose(js, linear_scores(X, W, b), rtol=1e-12, atol=1e-12)
        assert call(page, "predict", W, b, X) == predict(X, W, b).tolist()
    # ties go to the lower class, as numpy's argmax
    assert call(page, "predict", [[1, 0], [1, 0], [0, 0]], [0, 0, 1], [[0.5, 0], [2, 0]]) == [2, 0]


def test_the_decision_regions_are_where_lib_predicts_each_class(page):
    for seed in range(4):
        W, b, _, _ = random_problem(seed)
        polygons = call(page, "decisionRegions", W, b, [-1, 1, -1, 1])
        area = 0.0
        for c, polygon in enumerate(polygons):
            if len(polygon) < 3:
                continue
            P = np.array(polygon)
            area += 0.5 * abs(np.dot(P[:, 0], np.roll(P[:, 1], 1)) - np.dot(P[:, 1], np.roll(P[:, 0], 1)))
            inner = 0.9 * P + 0.1 * P.mean(axis=0)  # just inside each corner, and the centre
            assert np.all(predict(np.vstack([inner, P.mean(axis=0)]), W, b) == c), (seed, c)
        assert np.isclose(area, 4.0), "the regions tile the box"


@pytest.mark.parametrize("loss", ["svm", "cross_entropy"])
def test_losses_and_gradients_are_libs(page, loss):
    per_example, mean_loss, vectorized = {
        "svm": (hinge_losses, svm_loss, svm_loss_vectorized),
        "cross_entropy": (cross_entropy_losses, softmax_loss, softmax_loss_vectorized)}[loss]
    name = {"svm": "svmLoss", "cross_entropy": "softmaxLoss"}[loss]
    X, y, W, b = web_demo_points()
    problems = [(W, b, X, y)] + [random_problem(seed) for seed in range(4)]
    for (W, b, X, y), reg in zip(problems, [0.1, 0.0, 0.01, 1.0, 3.0], strict=True):
        js = call(page, name, W, b, X, y, reg)
        scores = linear_scores(X, W, b)
        data_loss, dscores = mean_loss(scores, y)
        assert np.allclose(js["losses"], per_example(scores, y), rtol=1e-9, atol=1e-12)
        assert np.isclose(js["dataLoss"], data_loss, rtol=1e-9)
        assert np.isclose(js["regLoss"], reg * np.sum(W**2), rtol=1e-9)
        assert np.isclose(js["total"], data_loss + reg * np.sum(W**2), rtol=1e-9)
        assert np.allclose(js["dW"], dscores.T @ X + 2 * reg * W, rtol=1e-9, atol=1e-12)
        assert np.allclose(js["db"], dscores.sum(axis=0), rtol=1e-9, atol=1e-12)
        # with b = 0 the whole objective is lib's naive-checked vectorized loss
        js0 = call(page, name, W, np.zeros(len(W)), X, y, reg)
        total, dW = vectorized(W, X, y, reg)
        assert np.isclose(js0["total"], total, rtol=1e-9)
        assert np.allclose(js0["dW"], dW, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("loss", ["svm", "cross_entropy"])
def test_fifty_gradient_steps_follow_lib(page, loss):
    X, y, W0, b0 = web_demo_points()
    for reg, lr in [(0.1, 0.4), (0.0, 0.1), (1.0, 0.3), (0.01, 1.5)]:
        run = gradient_descent_linear(X, y, W0, b0, loss=loss, reg=reg, lr=lr, num_steps=50)
        js = page.evaluate(f"async ([W, b, X, y, loss, reg, lr]) => {{ {IMPORT} const out = [];"
                           " for (let t = 0; t <= 50; t++) {"
                           " out.push({ W, b, ...m.LOSSES[loss](W, b, X, y, reg) });"
                           " ({ W, b } = m.gradientStep(W, b, X, y, loss, reg, lr)); } return out; }",
                           [W0.tolist(), b0.tolist(), X.tolist(), y.tolist(), loss, reg, lr])
        for key, lib_key in [("W", "W"), ("b", "b"), ("losses", "losses"), ("dataLoss", "data_loss"),
                             ("regLoss", "reg_loss"), ("total", "total_loss")]:
            js_values = [step[key] for step in js]
            assert np.allclose(js_values, run[lib_key], rtol=1e-9, atol=1e-9), (loss, reg, lr, key)


@pytest.mark.parametrize("make", [linear_demo, loss_demo], ids=["chapter 3", "chapter 4"])
def test_works_in_the_book_in_jupyter_and_on_a_phone(demo_works, make):
    demo_works(make())


def numbers(text):
    return np.array([float(v) for v in re.findall(r"-?\d+\.\d+", text)])


def table(page):
    """The score table: per point its row's numbers (#, x[0], x[1], y, s[0], s[1], s[2], ...)."""
    return [row.locator("td").all_inner_texts() for row in page.locator("table tbody tr").all()]


def data_units_per_px(page):
    frame = page.locator(".lib-widget-axes rect").first.bounding_box()
    assert np.isclose(frame["width"], frame["height"], rtol=0.02)
    return 2.0 / frame["width"]


@pytest.mark.parametrize("touch", [False, True], ids=["mouse", "touch"])
def test_dragging_a_weight_vector_and_a_point_moves_them_and_the_scores(demo_page, drag_by, touch):
    page, errors = demo_page(linear_demo(), phone=touch)
    X, y, W, b = web_demo_points()
    unit = data_units_per_px(page)
    tip = page.get_by_label("weight vector W[2]")
    assert np.allclose(numbers(tip.get_attribute("aria-valuetext")), W[2])
    drag_by(page, tip, -40, -50, touch=touch)
    W[2] = numbers(tip.get_attribute("aria-valuetext"))
    per_px = unit / 0.15  # the arrows are W[c] * 0.15
    assert np.allclose(W[2] - web_demo_points()[2][2], np.array([-40, 50]) * per_px, atol=2 * per_px)
    rows = table(page)
    assert np.allclose([[float(v) for v in row[4:7]] for row in rows], linear_scores(X, W, b), atol=0.006)
    assert [row[-1] for row in rows] == ["yes" if p == t else f"no: {p}" for p, t in zip(predict(X, W, b), y,
                                                                                          strict=True)]
    point = page.get_by_label("point 8, class 2")
    drag_by(page, point, 60, 30, touch=touch)
    X[8] = numbers(point.get_attribute("aria-valuetext"))
    assert np.allclose(X[8] - web_demo_points()[0][8], np.array([60, -30]) * unit, atol=2 * unit)
    rows = table(page)
    assert np.allclose([float(v) for v in rows[8][4:7]], linear_scores(X, W, b)[8], atol=0.006)
    said = page.locator("[aria-live]").inner_text()
    assert said.endswith(f"{np.sum(predict(X, W, b) == y)} of 9 points right.")
    assert not errors, "\n".join(errors)


def test_a_step_is_libs_step_and_reset_undoes_it(demo_page):
    page, errors = demo_page(loss_demo())
    X, y, W, b = web_demo_points()
    run = gradient_descent_linear(X, y, W, b, loss="svm", reg=0.1, lr=0.4, num_steps=2)
    said = page.locator("[aria-live]")
    assert "data loss 2.30 + regularization loss 3.93 = total 6.23" in said.inner_text()
    page.get_by_role("button", name="step").click()
    page.get_by_role("button", name="step").click()
    assert "2 steps taken" in said.inner_text() and f"total {run['total_loss'][2]:.2f}" in said.inner_text()
    assert np.allclose([float(row[7]) for row in table(page)], run["losses"][2], atol=0.006)
    page.get_by_role("button", name="reset").click()
    assert "0 steps taken" in said.inner_text() and "total 6.23" in said.inner_text()
    page.get_by_role("button", name="run").click()
    page.wait_for_timeout(500)
    page.get_by_role("button", name="stop").click()
    taken = int(re.search(r"(\d+) steps taken", said.inner_text()).group(1))
    assert taken > 3, "run takes a step per frame"
    final = gradient_descent_linear(X, y, W, b, loss="svm", reg=0.1, lr=0.4, num_steps=taken)
    assert f"total {final['total_loss'][-1]:.2f}" in said.inner_text()
    assert not errors, "\n".join(errors)



