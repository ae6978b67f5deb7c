"""lib/js/batch_size.js (chapter 5's demo): minibatch SGD on the digits, the measured loss curves
for each batch size and the gradient noise, with the 1/sqrt(B) law computed in the page."""

import json

import numpy as np
import pytest

from lib.data import load_digits_split
from lib.train import gradient_noise, train_linear
from lib.widgets import PageDemo


@pytest.fixture(scope="module")
def chapter():
    """Chapter 5's measurements and its demo cell: (N, batch sizes, noise, demo)."""
    X_train, y_train, _, _ = load_digits_split()
    X_train = X_train / 16.0
    N, C = len(X_train), 10
    W_init = 0.001 * np.random.default_rng(0).standard_normal((C, X_train.shape[1] + 1))
    batch_sizes = [1, 8, 32, 64, 128, 256, N]
    batch_names = [str(B) for B in batch_sizes[:-1]] + [f"full ({N})"]
    noise = gradient_noise(W_init, X_train, y_train, batch_sizes, num_samples=50, seed=0)
    smoothed = {}
    for name, B in zip(batch_names, batch_sizes, strict=True):
        _, history = train_linear(X_train, y_train, C, loss="cross_entropy", reg=1e-4, lr=0.1, batch_size=B,
                                  num_epochs=5, seed=0, progress=False)
        losses, width = np.array(history["loss"]), max(1, 256 // B)
        total = np.concatenate([[0.0], np.cumsum(losses)])
        steps = np.arange(1, len(losses) + 1)
        first = np.maximum(0, steps - width)
        smoothed[name] = (steps, (total[steps] - total[first]) / (steps - first))

    def thinned(steps, values, count=300):
        keep = np.arange(len(steps))
        if len(steps) > count:
            keep = np.unique(np.geomspace(1, len(steps), count).round().astype(int)) - 1
        return {"steps": steps[keep].tolist(), "loss": [float(f"{v:.4g}") for v in values[keep]]}

    demo = PageDemo("batch_size", N=N, sizes=batch_sizes, names=batch_names,
                    curves=[thinned(*smoothed[name]) for name in batch_names],
                    noise=[float(f"{v:.4g}") for v in noise], batch=32)
    return N, batch_sizes, noise, demo


def test_the_page_computes_the_chapters_noise_law_and_epochs(demo_page, chapter):
    N, batch_sizes, noise, demo = chapter
    page, errors = demo_page(demo)
    Bs = batch_sizes + [3, 17.5, 1000]
    js = page.evaluate("async ([Bs, N]) => { const m = await import('./widgets/batch_size.js');"
                       " return [Bs.map((B) => m.gradientNoiseTheory(B, N)),"
                       " Bs.map((B) => m.epochsSeen([1, 7, 225], B, N))]; }", [Bs, N])
    theory = np.sqrt((N - np.array(Bs)) / (np.array(Bs) * (N - 1)))  # the chapter's formula
    assert np.allclose(js[0], theory, rtol=1e-12, atol=1e-15)
    for B, epochs in zip(Bs, js[1], strict=True):
        assert np.allclose(epochs, np.array([1, 7, 225]) * min(B, N) / N, rtol=1e-12)
    # the law the page draws follows the measured noise (the chapter's claim), within 10%
    assert np.allclose(noise[:-1] / noise[0], theory[:len(noise) - 1], rtol=0.1)
    assert not errors, "\n".join(errors)


def test_the_state_is_small_and_thinned(chapter):
    demo = chapter[3]
    size = len(json.dumps(demo.state()))
    print(f"batch_size: state JSON {size / 1000:.1f} kB")
    assert size < 60_000
    for curve in demo.curves:
        assert len(curve["steps"]) <= 300 and len(curve["steps"]) == len(curve["loss"])
    assert demo.curves[0]["steps"][-1] == 5 * chapter[0]  # B = 1 keeps its last step: 5 epochs


@pytest.mark.parametrize("bundled", [False, True], ids=["static book", "Jupyter bundle"])
def test_every_control_redraws(demo_page, every_control_changes_the_picture, chapter, bundled):
    page, errors = demo_page(chapter[3], bundled=bundled)
    said = page.locator("[aria-live]").inner_text()
    assert said.startswith("B = 32: 225 steps in 5 epochs") and "1/sqrt(B) sampling predicts" in said
    every_control_changes_the_picture(page)
    assert not errors, "\n".join(errors)


def point_on_curve(page, k, panel=0):
    """Client coordinates of a point half way along curve k of a loss panel."""
    return page.evaluate("""([k, panel]) => {
      const svg = document.querySelectorAll('.lib-widget svg')[panel];
      const line = svg.querySelectorAll('polyline[stroke=transparent]')[k];
      const pts = line.getAttribute('points').split(' ');
      const [x, y] = pts[Math.floor(pts.length / 2)].split(',').map(Number);
      const p = new DOMPoint(x, y).matrixTransform(line.ownerSVGElement.getScreenCTM());
      return [p.x, p.y];
    }""", [k, panel])


@pytest.mark.parametrize("phone", [False, True], ids=["mouse hover", "touch tap"])
def test_pointing_at_a_curve_highlights_it(demo_page, chapter, phone):
    N, batch_sizes, _, demo = chapter
    page, errors = demo_page(demo, phone=phone)
    x, y = point_on_curve(page, 0)  # B = 1 on the loss-per-step panel
    page.touchscreen.tap(x, y) if phone else page.mouse.move(x, y)
    page.wait_for_timeout(50)
    said = page.locator("[aria-live]").inner_text()
    assert said.startswith("B = 1: 7,185 steps"), said
    assert page.locator("select").input_value() == "1"
    highlighted = page.evaluate("() => [...document.querySelectorAll('.lib-widget svg')[1]"
                                ".querySelectorAll('polyline[stroke-width=\"2.4\"]')].length")
    assert highlighted == 1  # the other panel highlights the same batch size
    if phone:
        assert page.evaluate("document.documentElement.scrollWidth") <= 391
    assert not errors, "\n".join(errors)
