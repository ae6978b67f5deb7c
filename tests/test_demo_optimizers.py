"""The flagship demo of chapter 6, lib/js/optimizers.js: its optimizers are lib.optim's, step for step."""

import numpy as np
import pytest

from lib.optim import LECTURE_OPTIMIZERS
from lib.surfaces import critical_rho, quadratic, run, tuned_momentum
from lib.widgets import PageDemo

MODULE = "(await import('./widgets/optimizers.js'))"


def demo(**changes):
    state = {"shown": ["sgd", "momentum"], "kappa": 50.0, "angle": 0, "lr": 1.0, "rho": 0.9, "beta1": 0.9,
             "beta2": 0.999, "steps": 100, "w0": [-2.5, 1.5]}
    return PageDemo("optimizers", **{**state, **changes})


def test_the_page_runs_lib_optims_updates(demo_page):
    page, errors = demo_page(demo())
    w0 = [-2.5, 1.5]
    settings = [(50, 0.0, {"lr": 1.0}), (1000, 0.5, {"lr": 1.3, "rho": 0.95, "beta1": 0.8, "beta2": 0.99}),
                (7, 1.2, {"lr": 0.05, "rho": 0.5, "beta1": 0.0, "beta2": 0.9999})]
    for kappa, angle, hyper in settings:
        bowl = quadratic(kappa, angle=angle)
        A = page.evaluate(f"async ([k, a]) => {MODULE}.quadraticBowl(k, a)", [kappa, angle])
        assert np.allclose(A, bowl.A, rtol=0, atol=1e-15)
        for name in LECTURE_OPTIMIZERS:
            kwargs = {k: v for k, v in hyper.items() if k == "lr" or (k.startswith("beta") and name == "adam")
                      or (k == "rho" and name in ("momentum", "nesterov"))}
            if name in ("adagrad", "rmsprop", "adam"):
                # steps of about lr whatever the gradient: at lr > 1 they bounce chaotically, and a
                # difference in the last bit of one gradient (numpy's w @ A may fuse its multiply-adds)
                # would grow; at lr = 0.1 the paths must agree
                kwargs["lr"] = min(kwargs["lr"], 0.1)
            js = page.evaluate(f"async ([n, A, w0, hyper]) => {MODULE}.optimizerPath(n, A, w0, 200, hyper)",
                               [name, bowl.A.tolist(), w0, kwargs])
            expected = run(name, bowl, np.array(w0), num_steps=200, **kwargs)
            assert np.allclose(js, expected, rtol=1e-9, atol=1e-12), f"{name} at kappa = {kappa}, {kwargs}"
    tuned = page.evaluate(f"async () => {MODULE}.tunedMomentum(0.001, 1)")
    assert np.allclose([tuned["lr"], tuned["rho"]], tuned_momentum(0.001, 1.0), rtol=1e-12)
    rho = page.evaluate(f"async () => {MODULE}.criticalRho(0.7, 0.02)")
    assert np.isclose(rho, critical_rho(0.7, 0.02), rtol=1e-12)
    path = np.array(run("momentum", quadratic(20, 0.4), np.array(w0), lr=0.5, num_steps=30))
    coords = page.evaluate(f"async ([p, a]) => {MODULE}.eigenCoordinates(p, a)",
                           [path.tolist(), 0.4])
    _, V = np.linalg.eigh(quadratic(20, 0.4).A)  # columns: shallow, steep (up to sign)
    assert np.allclose(np.abs(coords), np.abs(path @ V), atol=1e-12)
    assert not errors, "\n".join(errors)


def test_works_in_the_book_in_jupyter_and_on_a_phone(demo_works):
    demo_works(demo())


def test_tune_sets_polyaks_momentum_and_it_beats_gradient_descent(demo_page):
    page, errors = demo_page(demo(kappa=1000.0, steps=300))
    page.get_by_role("button", name="tune momentum").click()
    lr, rho = tuned_momentum(1e-3, 1.0)
    said = page.locator("[aria-live]").inner_text()
    assert f"α = {lr:.3g}" in said and f"ρ = {rho:.3f}" in said, said
    finals = dict(part.strip().split(" ") for part in said.split("steps: ")[1].rstrip(".").split(","))
    assert float(finals["momentum"]) < 1e-8 < 1e-3 < float(finals["sgd"])
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("touch", [False, True], ids=["mouse", "touch"])
def test_dragging_moves_the_start(demo_page, drag_by, touch):
    page, errors = demo_page(demo(), phone=touch)
    start = page.get_by_role("slider", name="start point")
    said = page.locator("[aria-live]").inner_text()
    drag_by(page, start, 40, -30, touch=touch)
    after = page.locator("[aria-live]").inner_text()
    assert after != said, "dragging the start left the paths as they were"
    label = page.locator("svg[aria-label^='Paths']").first.get_attribute("aria-label")
    x, y = (float(v) for v in label.split("from (")[1].split(")")[0].split(", "))
    assert x > -2.5 + 0.3 and y > 1.5 + 0.2, (x, y)  # right and up, in w units
    if touch:
        assert page.evaluate("document.documentElement.scrollWidth") <= 391
    assert not errors, "\n".join(errors)
