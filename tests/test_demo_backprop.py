"""lib/js/backprop_steps.js (chapter 9's demo): gradient descent on the worked example, one update
at a time; its forward pass, backward pass and update against lib.autodiff.Value's graph."""

import numpy as np
import pytest

from lib.autodiff import Value
from lib.widgets import PageDemo

X, T, PARAMS0 = 1.0, 1.0, [3.0, 1.0, 2.0, -5.0]  # the chapter's worked example: w1, b1, w2, b2
NODES = ["x", "t", "w1", "b1", "w2", "b2", "z", "a", "h", "u", "y", "e", "L"]


def steps_demo():
    return PageDemo("backprop_steps", x=X, t=T, params0=PARAMS0, lr=0.25, steps=0, steps_max=30)


def value_graph(p):
    """The chapter's graph in lib.autodiff.Value, after backward(): {node name: Value}."""
    names = ["w1", "b1", "w2", "b2"]
    v = {"x": Value(X, "x"), "t": Value(T, "t")} | {n: Value(d, n) for n, d in zip(names, p, strict=True)}
    v["z"] = v["w1"] * v["x"]
    v["a"] = v["z"] + v["b1"]
    v["h"] = v["a"].relu()
    v["u"] = v["w2"] * v["h"]
    v["y"] = v["u"] + v["b2"]
    v["e"] = v["y"] - v["t"]
    v["L"] = v["e"] ** 2
    v["L"].backward()
    return v


def lib_descent(lr, steps):
    """Parameters before each update and after the last, each update from Value's gradients."""
    path = [np.array(PARAMS0)]
    for _ in range(steps):
        v = value_graph(path[-1])
        path.append(path[-1] - lr * np.array([v[n].grad for n in ["w1", "b1", "w2", "b2"]]))
    return path


def test_forward_backward_and_update_agree_with_lib_autodiff(demo_page):
    page, errors = demo_page(steps_demo())
    for lr in [0.005, 0.02, 0.1, 0.25, 0.37, 0.5]:
        js = page.evaluate("async ([p0, x, t, lr]) => {"
                           " const m = await import('./widgets/backprop_steps.js');"
                           " const path = m.descend(p0, x, t, lr, 30);"
                           " return path.map((p) => { const v = m.forwardPass(p, x, t);"
                           " return { p, v, g: m.backwardPass(v) }; }); }", [PARAMS0, X, T, lr])
        path = lib_descent(lr, 30)
        assert len(js) == len(path) == 31
        for step, (ours, p) in enumerate(zip(js, path, strict=True)):
            assert np.allclose(ours["p"], p, rtol=1e-12, atol=1e-12), f"α = {lr}, step {step}: parameters"
            graph = value_graph(p)
            for name in NODES:
                assert np.isclose(ours["v"][name], graph[name].data, rtol=1e-12, atol=1e-12), (lr, step, name)
                assert np.isclose(ours["g"][name], graph[name].grad, rtol=1e-12, atol=1e-12), (lr, step, name)
    # the chapter's checks, on the page's numbers: at the slide's α the loss goes up, then down
    losses = page.evaluate("async () => { const m = await import('./widgets/backprop_steps.js');"
                           " return [0.25, 0.02].map((lr) => m.descend([3, 1, 2, -5], 1, 1, lr, 30)"
                           ".map((p) => m.forwardPass(p, 1, 1).L)); }")
    assert losses[0][1] > losses[0][0] > losses[0][8] > losses[0][30] and losses[1][8] < 1e-3
    assert not errors, "\n".join(errors)


def test_numbers_are_written_as_lib_plot_graph_writes_them(demo_page):
    page, _ = demo_page(steps_demo())
    values = [0, 1, -4, 24, 100, 0.5, 3.14159, -0.000123, 1.23456e-5, 1500, 123456, -2e-12, 99.96, 0.0001]
    js = page.evaluate("async (vs) => { const m = await import('./widgets/backprop_steps.js');"
                       " return vs.map(m.g3); }", values)
    assert js == [f"{v:.3g}" for v in values]


@pytest.mark.parametrize("bundled", [False, True], ids=["static book", "Jupyter bundle"])
def test_every_control_redraws(demo_page, every_control_changes_the_picture, bundled):
    page, errors = demo_page(steps_demo(), bundled=bundled)
    said = page.locator("[aria-live]").inner_text()
    start = "Step size α = 0.250, after 0 updates: w1 = 3, b1 = 1, w2 = 2, b2 = -5; loss L = 4 "
    assert said.startswith(start)
    assert "dL/d(w1, b1, w2, b2) = (8, 8, 16, 4)" in said  # the slide's gradients
    every_control_changes_the_picture(page)
    assert not errors, "\n".join(errors)


def test_the_slides_step_closes_the_relu(demo_page):
    page, errors = demo_page(steps_demo())
    page.locator("input[type=range]").first.evaluate(
        "el => { el.value = 1; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    said = page.locator("[aria-live]").inner_text()
    assert "after 1 update: w1 = 1, b1 = -1, w2 = -2, b2 = -6; loss L = 49 " in said
    assert "only b2 gets a gradient" in said
    assert "(0, 0, 0, -14)" in said
    assert page.locator("rect[stroke-dasharray='3 3']").count() == 1  # the ReLU's box, dashed
    assert not errors, "\n".join(errors)


def test_the_graph_is_legible_on_a_phone(demo_page):
    page, errors = demo_page(steps_demo(), phone=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    smallest = page.evaluate("() => Math.min(...[...document.querySelectorAll('.lib-widget svg text')]"
                             ".filter((t) => t.textContent).map((t) => t.getBoundingClientRect().height))")
    sizes = page.evaluate("() => [...document.querySelectorAll('.lib-widget svg')].map((s) =>"
                          " s.getBoundingClientRect().width / s.viewBox.baseVal.width)")
    assert min(sizes) * 12 >= 10, f"12-unit text shows at {min(sizes) * 12:.1f} px"
    assert smallest >= 10, f"a text is {smallest:.1f} px tall"
    assert not errors, "\n".join(errors)
