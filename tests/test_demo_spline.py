"""lib/js/spline.js: a ReLU network built by hand, against torch and lib; controls, dragging, training."""

import re

import numpy as np
import pytest
import torch

from lib.mlp import fit_relu_units
from lib.splines import best_relu_fits, relu_net_output, spline_demo

X = np.linspace(-1, 1, 80)
Y = np.sin(3 * X) + 0.3 * np.cos(7 * X)
MODULE = "async ([name, args]) => (await import('./widgets/spline.js'))[name](...args)"


@pytest.fixture(scope="module")
def demo():
    trained = {n: fit_relu_units(X, Y, n, num_epochs=60, lr=0.01, seed=0) for n in (1, 2, 3, 4)}
    return spline_demo(X, Y, trained, best_relu_fits(X, Y, 4), units=3)


def random_net(seed, n=5):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 3)), float(rng.normal())


def mse_of(page):
    said = page.locator("[aria-live]").inner_text()
    return float(re.search(r"mean squared error (\d+(?:\.\d+)?(?:e[+-]?\d+)?)", said).group(1))


def test_the_network_and_its_gradient_descent_are_torchs(demo_page, demo):
    page, errors = demo_page(demo)
    units, bias = random_net(0)
    out = page.evaluate(MODULE, ["reluNetOutput", [units.tolist(), bias, X.tolist()]])
    assert np.allclose(out, relu_net_output(X, *units.T, bias), rtol=1e-12, atol=1e-12)
    w, b, v = (torch.tensor(a, requires_grad=True) for a in units.T)
    c = torch.tensor(bias, dtype=torch.float64, requires_grad=True)
    xt, yt, js_units, js_bias, lr = torch.tensor(X), torch.tensor(Y), units.tolist(), bias, 0.05
    for step in range(100):
        loss = ((c + torch.relu(xt[:, None] * w + b) @ v - yt) ** 2).mean()
        grads = torch.autograd.grad(loss, [w, b, v, c])
        if step == 0:
            js = page.evaluate(MODULE, ["mseGradient", [js_units, js_bias, X.tolist(), Y.tolist()]])
            assert np.isclose(js["mse"], loss.item(), rtol=1e-12)
            assert np.allclose(np.array(js["units"]).T, [g.numpy() for g in grads[:3]], rtol=1e-9, atol=1e-12)
            assert np.isclose(js["bias"], grads[3].item(), rtol=1e-9)
        with torch.no_grad():
            for p, g in zip([w, b, v, c], grads, strict=True):
                p -= lr * g
        js = page.evaluate(MODULE, ["gradientStep", [js_units, js_bias, X.tolist(), Y.tolist(), lr]])
        assert np.isclose(js["mse"], loss.item(), rtol=1e-9), step
        js_units, js_bias = js["units"], js["bias"]
    expected = np.column_stack([p.detach().numpy() for p in (w, b, v)])
    assert np.allclose(js_units, expected, rtol=1e-9, atol=1e-12) and np.isclose(js_bias, c.item(), rtol=1e-9)
    # the output layer's least squares for fixed hidden units, as numpy solves it
    fit = page.evaluate(MODULE, ["outputLeastSquares", [units.tolist(), X.tolist(), Y.tolist()]])
    F = np.column_stack([np.ones_like(X), np.maximum(0, X[:, None] * units[:, 0] + units[:, 1])])
    solution = np.linalg.lstsq(F, Y, rcond=None)[0]
    assert np.allclose([u[2] for u in fit["units"]], solution[1:], rtol=1e-7)
    assert np.isclose(fit["bias"], solution[0])
    assert not errors, "\n".join(errors)


def test_the_page_reports_libs_errors_for_the_trained_and_best_networks(demo_page, demo):
    page, errors = demo_page(demo)
    for net in demo.best + demo.trained:
        units = np.array(net["units"])
        js = page.evaluate(MODULE, ["meanSquaredError", [page.evaluate(MODULE, ["reluNetOutput", [
            net["units"], net["bias"], demo.x]]), demo.y]])
        expected = np.mean((relu_net_output(demo.x, *units.T, net["bias"]) - demo.y) ** 2)
        assert np.isclose(js, expected, rtol=1e-9)
    said = page.locator("[aria-live]").inner_text()
    assert said.startswith("3 hidden units") and "the best fit" in said
    assert not errors, "\n".join(errors)


def test_works_in_the_book_in_jupyter_and_on_a_phone(demo_works, demo):
    demo_works(demo)


def x_pixels_per_unit(page):
    """CSS px per x unit of the main figure, from its tick labels -1 and 1 on the x axis."""
    centres = page.evaluate("""() => { const svg = document.querySelector('.lib-widget-spline svg');
        const at = (t) => [...svg.querySelectorAll('text[text-anchor=middle]')].find(n => n.textContent === t)
          .getBoundingClientRect();
        return [at('-1'), at('1')].map(r => r.x + r.width / 2); }""")
    return (centres[1] - centres[0]) / 2


@pytest.mark.parametrize("touch", [False, True], ids=["mouse", "touch"])
def test_dragging_a_kink_moves_it_and_changes_the_error(demo_page, demo, drag_by, touch):
    page, errors = demo_page(demo, phone=touch)
    kink = page.get_by_role("slider", name="kink of unit 3")
    before, mse_before = float(kink.get_attribute("aria-valuenow")), mse_of(page)
    drag_by(page, kink, -40, 0, touch=touch)
    moved = float(kink.get_attribute("aria-valuenow")) - before
    assert moved == pytest.approx(-40 / x_pixels_per_unit(page), rel=0.1)
    assert mse_of(page) != mse_before
    slope = page.get_by_role("slider", name="slope of unit 3")
    drag_by(page, slope, 0, -30, touch=touch)
    assert mse_of(page) != mse_before
    # dragged across its kink, the slope handle turns the hinge around
    facing = "left" if "right" in slope.get_attribute("aria-valuetext") else "right"
    box, kink_box = slope.bounding_box(), kink.bounding_box()
    across = 2 * ((kink_box["x"] + kink_box["width"] / 2) - (box["x"] + box["width"] / 2))
    drag_by(page, slope, across, 0, touch=touch)
    assert f"facing {facing}" in slope.get_attribute("aria-valuetext")
    if touch:
        assert page.evaluate("document.documentElement.scrollWidth") <= 391
    assert not errors, "\n".join(errors)


def test_gradient_descent_lowers_the_error_and_adding_units_helps(demo_page, demo):
    page, errors = demo_page(demo)
    page.get_by_label("start from").select_option(label="a flat line")
    flat = mse_of(page)
    assert flat == pytest.approx(np.mean(np.asarray(demo.y) ** 2), rel=0.05)
    page.get_by_role("button", name="train").click()
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="stop").click()
    trained = mse_of(page)
    assert trained < flat / 2 and "Gradient descent:" in page.locator("[aria-live]").inner_text()
    page.get_by_role("button", name="add a unit").click()
    assert page.locator("[aria-live]").inner_text().startswith("4 hidden units")
    page.get_by_role("button", name="fit output weights").click()
    assert mse_of(page) <= trained
    assert not errors, "\n".join(errors)

