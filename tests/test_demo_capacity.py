"""lib/js/capacity.js: regions of trained 2-H-3 ReLU nets, against torch; controls, probe, phone."""

import re

import numpy as np
import pytest
import torch

from lib.data import make_spirals
from lib.mlp import hidden_layer_weights, make_mlp, rounded
from lib.train_torch import train_torch
from lib.widgets import PageDemo

MODULE = "async ([name, args]) => (await import('./widgets/capacity.js'))[name](...args)"
HIDDEN, L2 = [3, 12], [0.0, 0.1]


@pytest.fixture(scope="module")
def demo():
    X, y = make_spirals(n_per_class=30, num_classes=3, noise=0.3, seed=0)
    X_val, y_val = make_spirals(n_per_class=30, num_classes=3, noise=0.3, seed=1)
    nets = []
    for hidden in HIDDEN:
        for lam in L2:
            torch.manual_seed(0)
            net = make_mlp([2, hidden, 3])
            train_torch(net, X, y, lr=0.05, weight_decay=lam, num_epochs=60, seed=0, progress=False)
            nets.append(hidden_layer_weights(net))
    return PageDemo("capacity", hidden_sizes=HIDDEN, l2_strengths=L2, nets=nets, X=rounded(X, 4),
                    y=y.tolist(), X_val=rounded(X_val, 4), y_val=y_val.tolist(), extent=[-1.4, 1.4] * 2,
                    hidden=12, l2=0.0, probe=[0.3, -0.5])


def torch_net(state):
    net = make_mlp([2, len(state["b1"]), 3]).double()
    with torch.no_grad():
        for layer, (W, b) in zip([net[0], net[2]], [("W1", "b1"), ("W2", "b2")], strict=True):
            layer.weight.copy_(torch.tensor(state[W], dtype=torch.float64))
            layer.bias.copy_(torch.tensor(state[b], dtype=torch.float64))
    return net


def test_the_regions_and_accuracies_are_torchs(demo_page, demo):
    page, errors = demo_page(demo)
    grid = np.random.default_rng(0).uniform(-1.4, 1.4, size=(300, 2))
    for state in demo.nets:
        net = torch_net(state)
        with torch.no_grad():
            scores = net(torch.tensor(grid)).numpy()
            labels = net(torch.tensor(demo.X, dtype=torch.float64)).argmax(1).numpy()
        js = np.array(page.evaluate(MODULE, ["mlpScores", [state, grid.tolist()]]))
        assert np.allclose(js, scores, rtol=1e-9, atol=1e-12)
        probs = page.evaluate(MODULE, ["softmax", [scores[0].tolist()]])
        assert np.allclose(probs, torch.softmax(torch.tensor(scores[0]), 0).numpy(), rtol=1e-9)
        accuracy = page.evaluate(MODULE, ["accuracy", [state, demo.X, demo.y]])
        assert accuracy == np.mean(labels == np.array(demo.y))
    said = page.locator("[aria-live]").inner_text()
    assert said.startswith("H = 12, λ = 0:") and "% training" in said
    assert not errors, "\n".join(errors)


def test_works_in_the_book_in_jupyter_and_on_a_phone(demo_works, demo):
    demo_works(demo)


def probe_at(page):
    match = re.search(r"At the probe \((-?[\d.]+), (-?[\d.]+)\)", page.locator("[aria-live]").inner_text())
    return np.array([float(match.group(1)), float(match.group(2))])


@pytest.mark.parametrize("touch", [False, True], ids=["mouse", "touch"])
def test_dragging_the_probe_moves_it_and_reads_the_network_there(demo_page, demo, drag_by, touch):
    page, errors = demo_page(demo, phone=touch)
    probe = page.get_by_role("slider", name="probe point")
    before = probe_at(page)
    plot = page.locator(".lib-widget-capacity svg").first.evaluate(
        "svg => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width")
    drag_by(page, probe, -50, -30, touch=touch)
    units_per_px = 2.8 / ((320 - 8 - 40) * plot)  # the plot area spans 2.8 units over 272 viewBox units
    assert probe_at(page) - before == pytest.approx([-50 * units_per_px, 30 * units_per_px], abs=0.03)
    # the bars show the network's probabilities at the probe
    state = demo.nets[HIDDEN.index(12) * len(L2)]
    with torch.no_grad():
        p = torch.softmax(torch_net(state)(torch.tensor(np.array([probe_at(page)]))), 1)[0].numpy()
    assert f"class {p.argmax()}" in page.locator("[aria-live]").inner_text()
    if touch:
        assert page.evaluate("document.documentElement.scrollWidth") <= 391
    assert not errors, "\n".join(errors)
