"""lib/js/training.js: a small MLP trained in the page, against lib.layers and lib.optim; its controls."""

import re

import numpy as np
import pytest

from lib.data import spirals_train_val
from lib.layers import (
    MLP,
    affine_backward,
    affine_forward,
    dropout_backward,
    relu_backward,
    relu_forward,
    softmax_cross_entropy,
)
from lib.mlp import rounded
from lib.optim import make_optimizer
from lib.widgets import PageDemo, bundle

MODULE = "async ([name, args]) => (await import('./widgets/training.js'))[name](...args)"
# the same functions from a module given as text (a changed copy of the bundle, to see the checks fail)
FROM_SOURCE = """async ([source, name, args]) => {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  return (await import(url))[name](...args); }"""
TOL = {"rtol": 1e-9, "atol": 1e-12}


def make_demo(**changes):
    X, y, X_val, y_val = spirals_train_val(n_train=30, n_val=60, noise=0.4, seed=0)
    state = {"X_train": rounded(X, 4), "y_train": y.tolist(), "X_val": rounded(X_val, 4),
             "y_val": y_val.tolist(), "hidden": 32, "layers": 2, "init_scale": 1.41, "lr": 0.1,
             "regularize": False, "reg": 1e-3, "dropout": 0.0, "seed": 0}
    return PageDemo("training", **{**state, **changes})


@pytest.fixture(scope="module")
def demo():
    return make_demo()


def random_params(sizes, seed):
    rng = np.random.default_rng(seed)
    params = {}
    for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), start=1):
        params[f"W{k}"] = rng.normal(size=(fan_out, fan_in))
        params[f"b{k}"] = 0.5 * rng.normal(size=fan_out)
    return params


def as_lists(params):
    return {name: value.tolist() for name, value in params.items()}


def numpy_loss_and_grads(params, X, y, reg=0.0, masks=None):
    """lib.layers' passes: (affine -> relu -> dropout with the given masks) x L-1 -> affine -> softmax
    cross-entropy, + reg * sum W^2 over the weights (not the biases)."""
    L, h, caches = len(params) // 2, X, []
    for k in range(1, L + 1):
        h, cache = affine_forward(h, params[f"W{k}"], params[f"b{k}"])
        caches.append(cache)
        if k < L:
            h, cache = relu_forward(h)
            caches.append(cache)
            if masks is not None:
                h = h * masks[k - 1]  # dropout_forward with this mask as its draw; its cache is the mask
                caches.append(masks[k - 1])
    loss, dout = softmax_cross_entropy(h, y)
    grads = {}
    for k in range(L, 0, -1):
        if k < L:
            if masks is not None:
                dout = dropout_backward(dout, caches.pop())
            dout = relu_backward(dout, caches.pop())
        dout, dW, grads[f"b{k}"] = affine_backward(dout, caches.pop())
        grads[f"W{k}"] = dW + 2 * reg * params[f"W{k}"]
    return loss + reg * sum(np.sum(params[f"W{k}"] ** 2) for k in range(1, L + 1)), grads, h


def mismatches(call):
    """Where the module's maths (call(name, *args) runs its export `name`) differs from lib's numpy."""
    found, rng = [], np.random.default_rng(0)

    def check(what, js, expected):
        if not np.allclose(np.asarray(js, dtype=float), expected, **TOL):
            found.append(what)

    for sizes in ([2, 6, 3], [2, 7, 5, 4]):
        params = random_params(sizes, seed=len(sizes))
        X, y = rng.normal(size=(13, 2)), rng.integers(0, sizes[-1], size=13)
        mlp = MLP(sizes)
        mlp.params = {name: value.copy() for name, value in params.items()}
        scores, _ = mlp.forward(X)
        check(f"{sizes}: scores", call("forward", as_lists(params), X.tolist())["scores"], scores)
        p = np.exp(scores - scores.max(axis=1, keepdims=True))
        check(f"{sizes}: probabilities", call("classProbabilities", as_lists(params), X.tolist()),
              p / p.sum(axis=1, keepdims=True))
        loss, grads = mlp.loss(X, y)
        js = call("evaluate", as_lists(params), X.tolist(), y.tolist())
        check(f"{sizes}: evaluate", [js["loss"], js["accuracy"]], [loss, np.mean(mlp.predict(X) == y)])
        hidden = sizes[1:-1]
        for reg, p_drop in [(0.0, 0.0), (0.03, 0.0), (0.0, 0.5), (0.01, 0.3)]:
            masks = None if p_drop == 0 else [(rng.random((13, H)) >= p_drop) / (1 - p_drop) for H in hidden]
            expected_loss, expected, _ = numpy_loss_and_grads(params, X, y, reg, masks)
            if reg == 0 and masks is None:  # lib.layers.MLP itself, too
                check(f"{sizes}: MLP.loss", expected_loss, loss)
            options = {"reg": reg, **({"masks": [m.tolist() for m in masks]} if masks is not None else {})}
            js = call("lossAndGrads", as_lists(params), X.tolist(), y.tolist(), options)
            what = f"{sizes}, reg {reg}, dropout {p_drop}"
            check(f"{what}: loss", js["loss"], expected_loss)
            for name, grad in expected.items():
                check(f"{what}: d{name}", js["grads"][name], grad)
    # momentum steps, lib.optim's class of the same name, on a sequence of gradients
    params = random_params([2, 5, 3], seed=1)
    numpy_params = {name: value.copy() for name, value in params.items()}
    optimizer = make_optimizer("momentum", numpy_params, lr=0.05, rho=0.9)
    js_params, velocity = as_lists(params), None
    for t in range(4):
        grads = {name: rng.normal(size=value.shape) for name, value in params.items()}
        optimizer.step(grads)
        js = call("momentumStep", js_params, as_lists(grads), velocity, {"lr": 0.05, "rho": 0.9})
        js_params, velocity = js["params"], js["velocity"]
        for name, value in numpy_params.items():
            check(f"momentum step {t + 1}: {name}", js_params[name], value)
    return found


def test_the_network_its_gradients_and_momentum_are_libs(demo_page, demo):
    page, errors = demo_page(demo)
    assert mismatches(lambda name, *args: page.evaluate(MODULE, [name, list(args)])) == []
    assert not errors, "\n".join(errors)


# Each a one-line slip in the maths: a sign, a forgotten mask, gate or factor.
GATES = "return sum * (mask ? mask[n][d] : 1) * (z[n][d] > 0 ? 1 : 0);"
MUTATIONS = [
    ("return sum + 2 * reg * wjd;", "return sum - 2 * reg * wjd;"),
    (GATES, "return sum * (z[n][d] > 0 ? 1 : 0);"),  # dropout's mask forgotten
    (GATES, "return sum * (mask ? mask[n][d] : 1);"),  # ReLU's gate forgotten
    ("(v / total - (c === y[n] ? 1 : 0)) / N", "(v / total - (c === y[n] ? 1 : 0))"),
    ("rho * old + dw", "rho * old - dw"),
    ("out[j] = sum + b[j];", "out[j] = sum - b[j];"),
]


@pytest.mark.parametrize("original, changed", MUTATIONS, ids=[m[1] for m in MUTATIONS])
def test_a_slip_in_the_maths_fails_the_check(demo_page, demo, original, changed):
    page, errors = demo_page(demo)
    source = bundle("training")
    assert source.count(original) == 1, f"the module no longer reads {original!r}: update MUTATIONS"
    broken = source.replace(original, changed)
    assert mismatches(lambda name, *args: page.evaluate(FROM_SOURCE, [broken, name, list(args)]))
    assert not errors, "\n".join(errors)


def test_training_in_the_page_is_libs_and_lowers_the_loss(demo_page, demo):
    page, errors = demo_page(demo)
    X, y = np.array(demo.X_train), np.array(demo.y_train)
    # 30 steps without dropout, step for step as lib.layers + lib.optim.Momentum
    sizes, reg, lr = [2, 8, 8, 3], 1e-3, 0.1
    params = page.evaluate(MODULE, ["initParams", [sizes, 1.41, 3]])
    numpy_params = {name: np.array(value, dtype=float) for name, value in params.items()}
    optimizer = make_optimizer("momentum", numpy_params, lr=lr, rho=0.9)
    js = page.evaluate("""async ([params, X, y, reg, lr]) => {
      const m = await import('./widgets/training.js'), losses = [];
      let velocity = null;
      for (let t = 0; t < 30; t++) {
        const next = m.trainStep(params, velocity, X, y, { lr, reg }, m.seededRandom(0));
        ({ params, velocity } = next);
        losses.push(next.loss);
      }
      return { params, losses }; }""", [params, X.tolist(), y.tolist(), reg, lr])
    for t in range(30):
        loss, grads, _ = numpy_loss_and_grads(numpy_params, X, y, reg)
        assert np.isclose(js["losses"][t], loss, **TOL), t
        optimizer.step(grads)
    for name, value in numpy_params.items():
        assert np.allclose(js["params"][name], value, **TOL), name
    # a short run with dropout and the penalty lowers the training loss
    before, after = page.evaluate("""async ([X, y]) => {
      const m = await import('./widgets/training.js'), random = m.seededRandom(1);
      let params = m.initParams([2, 32, 32, 3], 1.41, 0), velocity = null;
      const before = m.evaluate(params, X, y).loss;
      for (let t = 0; t < 300; t++) ({ params, velocity } = m.trainStep(params, velocity, X, y,
        { lr: 0.1, reg: 1e-4, dropout: 0.2 }, random));
      return [before, m.evaluate(params, X, y).loss]; }""", [X.tolist(), y.tolist()])
    assert after < before / 4, (before, after)
    assert not errors, "\n".join(errors)


def test_the_random_numbers_and_initial_weights_follow_the_seed(demo_page, demo):
    page, errors = demo_page(demo)
    draws = page.evaluate("""async () => { const m = await import('./widgets/training.js');
      const take = (seed, n) => { const r = m.seededRandom(seed); return Array.from({ length: n }, r); };
      const r = m.seededRandom(9);
      return { a: take(5, 2000), b: take(5, 2000), c: take(6, 2000),
               normal: Array.from({ length: 20000 }, () => m.randomNormal(r)) }; }""")
    a = np.array(draws["a"])
    assert draws["a"] == draws["b"] and not np.allclose(a, draws["c"])
    assert a.min() >= 0 and a.max() < 1 and abs(a.mean() - 0.5) < 0.02
    normal = np.array(draws["normal"])
    assert abs(normal.mean()) < 0.03 and abs(normal.std() - 1) < 0.03
    sizes, s = [50, 400, 3], 0.7
    params = page.evaluate(MODULE, ["initParams", [sizes, s, 4]])
    assert params == page.evaluate(MODULE, ["initParams", [sizes, s, 4]])
    assert params != page.evaluate(MODULE, ["initParams", [sizes, s, 5]])
    W1, W2 = np.array(params["W1"]), np.array(params["W2"])
    assert W1.shape == (400, 50) and W2.shape == (3, 400)
    assert W1.std() == pytest.approx(s / np.sqrt(50), rel=0.03)  # N(0, s^2 / fan_in)
    assert W2.std() == pytest.approx(s / np.sqrt(400), rel=0.1)
    assert not np.any(params["b1"]) and not np.any(params["b2"])
    assert not errors, "\n".join(errors)


def test_works_in_the_book_in_jupyter_and_on_a_phone(demo_works, demo):
    demo_works(demo)


def said(page):
    return page.locator("[aria-live]").inner_text()


def step_of(page):
    """The step the curves' figure shows (the aria-live line follows once a second while it runs)."""
    label = page.locator(".lib-widget-training svg text").filter(has_text=re.compile(r"^step \d+$"))
    return int(label.text_content().split()[1])


def wait_for_step(page, at_least, timeout=10_000):
    page.wait_for_function("""n => [...document.querySelectorAll('.lib-widget-training svg text')]
      .some(t => /^step \\d+$/.test(t.textContent) && +t.textContent.slice(5) >= n)""", arg=at_least,
                           timeout=timeout)


def set_slider(page, label, value):
    """Move the slider `label` to `value` (for a log slider: log10 of the value), as a hand does."""
    page.get_by_label(label, exact=True).evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', { bubbles: true })); }", value)


def regions(page):
    return page.locator(".lib-widget-training svg image").get_attribute("href")


def test_the_page_shows_the_network_it_starts_from(demo_page, demo):
    page, errors = demo_page(demo)
    params = page.evaluate(MODULE, ["initParams", [[2, 32, 32, 3], 1.41, 0]])
    mlp = MLP([2, 32, 32, 3])
    mlp.params = {name: np.array(value, dtype=float) for name, value in params.items()}
    for X, y, name in [(demo.X_train, demo.y_train, "training"), (demo.X_val, demo.y_val, "validation")]:
        loss, _ = mlp.loss(np.array(X), np.array(y))
        accuracy = np.mean(mlp.predict(np.array(X)) == np.array(y))
        assert f"{name} loss {loss:.2g}, accuracy {100 * accuracy:.0f}%" in said(page), said(page)
    assert said(page).startswith("Step 0:")
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("touch", [False, True], ids=["mouse", "touch"])
def test_run_trains_pause_stops_step_steps_and_reset_starts_again(demo_page, demo, touch):
    page, errors = demo_page(demo, phone=touch)
    press = (lambda name: page.get_by_role("button", name=name, exact=True).tap()) if touch else \
        (lambda name: page.get_by_role("button", name=name, exact=True).click())
    start, curve = regions(page), page.locator("polyline").first.get_attribute("points")
    press("Run")
    wait_for_step(page, 100)
    press("Pause")
    steps = step_of(page)
    assert steps >= 100 and said(page).startswith(f"Step {steps}:")
    assert regions(page) != start and page.locator("polyline").first.get_attribute("points") != curve
    page.wait_for_timeout(300)
    assert step_of(page) == steps, "Pause did not stop the training"
    press("Step")
    assert step_of(page) == steps + 1 and said(page).startswith(f"Step {steps + 1}:")
    press("Reset")
    assert step_of(page) == 0 and regions(page) == start, "Reset draws the same weights from the seed"
    if touch:
        assert page.evaluate("document.documentElement.scrollWidth") <= 391
    assert not errors, "\n".join(errors)


def test_the_network_overfits_and_the_penalty_helps(demo_page):
    """At the defaults the validation loss rises after its lowest point while the training loss falls;
    with L2 (lambda = 1e-3) the validation loss ends lower (lib's numpy finds the same, tests above)."""
    results = []
    for regularize in (False, True):
        page, errors = demo_page(make_demo(regularize=regularize))
        page.get_by_role("button", name="Run").click()
        wait_for_step(page, 600, timeout=30_000)
        page.get_by_role("button", name="Pause").click()
        text = said(page)
        numbers = {key: float(re.search(rf"{key} ([\d.e-]+)", text).group(1))
                   for key in ("training loss", "validation loss", "lowest validation loss")}
        results.append(numbers)
        assert not errors, "\n".join(errors)
    plain, penalized = results
    assert plain["training loss"] < 0.02 and plain["validation loss"] > 1.2 * plain["lowest validation loss"]
    assert penalized["validation loss"] < plain["validation loss"]


def test_changing_the_network_starts_again_and_a_large_step_kills_its_units(demo_page, demo):
    page, errors = demo_page(demo)
    page.get_by_role("button", name="Step").click()
    assert step_of(page) == 1
    set_slider(page, "hidden width H", 8)
    assert step_of(page) == 0 and "2 hidden layers of 8" in said(page)
    page.get_by_label("hidden layers", exact=True).select_option("1")
    assert "1 hidden layer of 8" in said(page)
    set_slider(page, "L2 strength λ", -2)  # log10: lambda = 0.01, and the penalty turns on
    assert "λ = 1e-2" in said(page) and page.get_by_label("L2 penalty", exact=True).is_checked()
    page.get_by_label("L2 penalty", exact=True).click()
    assert "λ = 0," in said(page)
    # weights 10 times He's and alpha = 1 with momentum 0.9: the ReLUs die and the loss stays at ln 3
    page.get_by_label("hidden layers", exact=True).select_option("2")
    set_slider(page, "hidden width H", 32)
    set_slider(page, "init scale s", 1)  # log10: s = 10
    set_slider(page, "learning rate α", 0)  # alpha = 1
    page.get_by_role("button", name="Run").click()
    wait_for_step(page, 200)
    page.get_by_role("button", name="Pause").click()
    assert re.search(r"training loss 1\.1, .*; (6[0-4]) of 64 hidden units dead", said(page)), said(page)
    assert not errors, "\n".join(errors)
