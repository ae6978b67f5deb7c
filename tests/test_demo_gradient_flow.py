"""lib/js/gradient_flow.js (chapter 7's demo): the gradient norm at each layer of a 10-layer net,
computed in the page for any activation and initial scale, against lib.activations on the page's
own weights and digits."""

import numpy as np
import torch

from lib.activations import layer_gradient_norms, make_deep_net
from lib.data import load_digits_split
from lib.widgets import PageDemo

DEPTH, WIDTH = 10, 64
SIZES = [64] + [WIDTH] * (DEPTH - 1) + [10]


def gradient_demo():
    """The chapter's demo cell, on the chapter's 32 digits."""
    X_train, y_train, _, _ = load_digits_split()
    batch = np.random.default_rng(0).choice(len(X_train), 32, replace=False)
    demo = PageDemo("gradient_flow", X=X_train[batch].round().astype(int).tolist(), pixel_max=16,
                    y=y_train[batch].tolist(), sizes=SIZES, seed=0, activation="sigmoid", scale=1.0,
                    ylim=[1e-12, 1e6])
    return X_train[batch] / 16, y_train[batch], demo


def page_net(page, activation, s):
    """The page's weights (float64) and its norms for this activation and scale."""
    return page.evaluate(
        "async ([sizes, X, y, activation, s]) => { const m = await import('./widgets/gradient_flow.js');"
        " const base = m.baseWeights(sizes, 0), weights = m.deepNetWeights(base, sizes, s);"
        " return { base: base.map((W) => Array.from(W)), weights: weights.map((W) => Array.from(W)),"
        " norms: m.layerGradientNorms(weights, sizes, X, y, activation) }; }",
        [SIZES, gradient_demo()[0].tolist(), gradient_demo()[1].tolist(), activation, s])


def lib_norms(weights, X, y, activation, s, dtype):
    """lib's make_deep_net with the page's weights copied in, and lib's layer_gradient_norms."""
    net = make_deep_net(activation, DEPTH, WIDTH, 64, 10, seed=0, init_scale=s).to(dtype)
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for linear, W in zip(linears, weights, strict=True):
            linear.weight.copy_(torch.tensor(W, dtype=dtype).reshape(linear.weight.shape))
    assert all(float(linear.bias.detach().abs().max()) == 0 for linear in linears)  # zero, as in the page
    return layer_gradient_norms(net, X, y)


def test_the_page_computes_the_norms_lib_computes(demo_page):
    X, y, demo = gradient_demo()
    page, errors = demo_page(demo)
    read_back = page.evaluate("() => JSON.parse(document.querySelector('.lib-widget script').textContent)")
    assert np.array_equal(np.array(read_back["X"]) / read_back["pixel_max"], X)  # the chapter's digits
    for activation in ["sigmoid", "tanh", "relu", "leaky_relu", "elu"]:
        for s in [0.25, 1.0, 1.7, 4.0]:
            js = page_net(page, activation, s)
            for base, W, fan_in in zip(js["base"], js["weights"], SIZES, strict=False):
                # make_deep_net's scaling: N(0, s^2 / fan_in)
                assert np.allclose(W, np.array(base) * s / np.sqrt(fan_in), rtol=1e-15)
            ours = lib_norms(js["weights"], X, y, activation, s, torch.float64)
            assert np.allclose(js["norms"], ours, rtol=1e-9, atol=0), f"{activation}, s = {s}"
            single = lib_norms(js["weights"], X, y, activation, s, torch.float32)  # lib's own precision
            assert np.allclose(js["norms"], single, rtol=1e-3), f"{activation}, s = {s} (float32)"
    assert not errors, "\n".join(errors)


def test_the_base_weights_are_standard_normal_and_seeded(demo_page):
    page, _ = demo_page(gradient_demo()[2])
    draws = page.evaluate("async () => { const m = await import('./widgets/gradient_flow.js');"
                          " return [40001, 5].map((n) => Array.from(m.standardNormals(n, 0)))"
                          ".concat([Array.from(m.standardNormals(5, 1))]); }")
    z = np.array(draws[0])
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1) < 0.02 and abs(np.mean(z**4) - 3) < 0.1
    assert abs(np.mean(z[:-1:2] * z[1::2])) < 0.02  # the pair from one Box-Muller draw is uncorrelated
    assert draws[1] == draws[0][:5] and draws[2] != draws[1]  # the same seed gives the same weights


def test_works_in_the_book_in_jupyter_and_on_a_phone(demo_works):
    phone = demo_works(gradient_demo()[2])
    said = phone.locator("[aria-live]").inner_text()
    assert "sigmoid, initial weight scale s = 1.00" in said and "first / last ratio of" in said


def test_dragging_the_scale_redraws_in_a_few_ms(demo_page):
    """The redraw on each input event of the s slider (computing the 10 layers' norms and drawing),
    timed in the page: the median of 40 positions across the slider's range."""
    page, errors = demo_page(gradient_demo()[2])
    ms = page.evaluate("""() => {
      const input = document.querySelector('input[type=range]'), times = [];
      for (let k = 0; k < 40; k++) {
        input.value = +input.min + (input.max - input.min) * (k % 20) / 19;
        const start = performance.now();
        input.dispatchEvent(new Event('input', { bubbles: true }));
        times.push(performance.now() - start);
      }
      return times.sort((a, b) => a - b)[20];
    }""")
    print(f"gradient_flow: median redraw while dragging s: {ms:.1f} ms")
    assert ms < 40, f"a redraw takes {ms:.1f} ms"
    assert not errors, "\n".join(errors)

