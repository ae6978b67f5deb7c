"""lib/js/knn.js, the decision-regions demo of the chapter on k-nearest neighbours: its numerics
against lib.knn (ties included), its controls, dragging by mouse and by touch, and the phone."""

import re

import numpy as np
import pytest

from lib.data import make_blobs2d
from lib.knn import KNearestNeighbor
from lib.widgets import PageDemo

IMPORT = "const m = await import('./widgets/knn.js');"


def knn_demo(**state):
    """The demo as chapters/02_knn builds it."""
    X, y = make_blobs2d(n_per_class=50, num_classes=3, spread=0.55, seed=1)
    base = dict(X=X.round(4).tolist(), y=y.tolist(), k=1, k_max=75, metric="L2",
                extent=[-2.58, 2.23, -2.34, 2.47], grid=100, query=[0.0, 0.0])
    return PageDemo("knn", **{**base, **state})


def lib_predict(X, y, Q, k, metric):
    return KNearestNeighbor(k=k, metric=metric).train(np.array(X), np.array(y)).predict(np.array(Q))


def js_predict(page, X, y, Q, k, metric):
    args = [np.asarray(X).tolist(), np.asarray(y).tolist(), np.asarray(Q).tolist(), k, metric]
    return page.evaluate(f"async ([X, y, Q, k, metric]) => {{ {IMPORT}"
                         " return m.knnPredict(X, y, Q, k, metric); }", args)


@pytest.fixture
def page_errors(demo_page):
    return demo_page(knn_demo())


def test_knn_predict_agrees_with_lib_on_the_chapters_blobs(page_errors):
    page, errors = page_errors
    X, y = make_blobs2d(n_per_class=50, num_classes=3, spread=0.55, seed=1)
    Q = np.random.default_rng(0).uniform(-2.6, 2.5, size=(400, 2))
    for metric in ("L1", "L2"):
        for k in (1, 2, 3, 4, 6, 9, 10, 15, 40, 75, 150):
            expected = lib_predict(X, y, Q, k, metric).tolist()
            assert js_predict(page, X, y, Q, k, metric) == expected, (metric, k)
    assert not errors, "\n".join(errors)


def test_ties_break_as_in_lib(page_errors):
    """Equal distances: the lower training index comes first; a tied vote goes to the smallest label."""
    page, _ = page_errors
    # four points at distance 1 from the origin (L1 and L2 alike), and one far away
    X, y = [[1, 0], [0, 1], [-1, 0], [0, -1], [3, 3]], [2, 1, 0, 0, 1]
    for metric in ("L1", "L2"):
        got = [js_predict(page, X, y, [[0, 0]], k, metric)[0] for k in (1, 2, 3, 4)]
        assert got == [lib_predict(X, y, [[0, 0]], k, metric)[0] for k in (1, 2, 3, 4)] == [2, 1, 0, 0]
    # integer points and half-integer queries: exact arithmetic, thousands of tied distances and votes
    rng = np.random.default_rng(1)
    X, y = rng.integers(-4, 5, size=(60, 2)), rng.integers(0, 3, size=60)
    Q = rng.integers(-9, 10, size=(300, 2)) / 2
    for metric in ("L1", "L2"):
        dists = np.sort(np.abs(Q[:, None] - X[None]).sum(-1) if metric == "L1"
                        else np.hypot(*(Q[:, None] - X[None]).transpose(2, 0, 1)), axis=1)
        for k in (1, 2, 3, 4, 5, 8, 13):
            assert np.sum(dists[:, k - 1] == dists[:, k]) > 20, "the test must have ties at the k-th place"
            expected = lib_predict(X, y, Q, k, metric).tolist()
            assert js_predict(page, X, y, Q, k, metric) == expected, (metric, k)


def test_the_drawn_regions_are_libs_predictions_on_the_grid(page_errors):
    """regionGrid skips blocks of cells it can prove; its labels must be exactly lib's anyway."""
    page, _ = page_errors
    X, y = make_blobs2d(n_per_class=50, num_classes=3, spread=0.55, seed=1)
    extent, size = knn_demo().extent, 100
    step = np.array([extent[1] - extent[0], extent[3] - extent[2]]) / size
    cols, rows = np.meshgrid(np.arange(size), np.arange(size))
    centres = np.column_stack([extent[0] + (cols.ravel() + 0.5) * step[0],
                               extent[3] - (rows.ravel() + 0.5) * step[1]])
    for metric in ("L1", "L2"):
        for k in (1, 2, 5, 16, 75, 150):
            js = page.evaluate(f"async ([X, y, k, metric, extent, size]) => {{ {IMPORT}"
                               " return Array.from(m.regionGrid(X, y, k, metric, extent, size)); }",
                               [X.tolist(), y.tolist(), k, metric, extent, size])
            assert js == lib_predict(X, y, centres, k, metric).tolist(), (metric, k)


def test_k_must_be_an_integer_within_the_training_set(page_errors):
    page, _ = page_errors
    for k in (0, 2.5, 4):
        message = page.evaluate(f"async (k) => {{ {IMPORT} try {{ m.knnPredict([[0, 0], [1, 1], [2, 2]],"
                                " [0, 1, 1], [[0, 0]], k, 'L2'); return 'no error'; }"
                                " catch (e) { return e.message; } }", k)
        assert "k must be an integer 1..3" in message


def test_works_in_the_book_in_jupyter_and_on_a_phone(demo_works):
    demo_works(knn_demo())


def position(handle):
    return np.array([float(v) for v in re.findall(r"-?\d+\.\d+", handle.get_attribute("aria-valuetext"))])


def data_units_per_px(page):
    """Data units per CSS pixel of the demo's plane (the same along both axes: the extent is square)."""
    frame = page.locator(".lib-widget-axes rect").first.bounding_box()
    extent = knn_demo().extent
    width, height = extent[1] - extent[0], extent[3] - extent[2]
    assert np.isclose(width / frame["width"], height / frame["height"], rtol=0.02)
    return (extent[1] - extent[0]) / frame["width"]


@pytest.mark.parametrize("touch", [False, True], ids=["mouse", "touch"])
def test_dragging_moves_a_training_point_and_the_query_by_the_right_amount(demo_page, drag_by, touch):
    page, errors = demo_page(knn_demo(), phone=touch)
    handles = page.locator(".lib-widget-handle")
    X = np.array(knn_demo().X)
    # the most isolated training point, so that no other handle lies on top of it
    gaps = np.linalg.norm(X[:, None] - np.vstack([X, [[0.0, 0.0]]])[None], axis=-1)
    gaps[np.arange(len(X)), np.arange(len(X))] = np.inf
    i = int(np.argmax(gaps.min(axis=1)))
    unit = data_units_per_px(page)
    regions = page.locator("svg g[clip-path] > path")  # the decision regions come first
    drawn = regions.first.get_attribute("d") + regions.nth(1).get_attribute("d")
    before = position(handles.nth(i))
    dx, dy = -30 * np.sign(X[i, 0]), 20 * np.sign(X[i, 1])  # towards the middle, away from the frame
    drag_by(page, handles.nth(i), dx, dy, touch=touch)
    moved = position(handles.nth(i)) - before
    assert np.allclose(moved, [dx * unit, -dy * unit], atol=2 * unit), (moved, unit)
    assert regions.first.get_attribute("d") + regions.nth(1).get_attribute("d") != drawn, "regions ignore it"

    # the query point: after the drag, the sentence names the class lib predicts at its new place
    query = handles.nth(len(X))
    said = page.locator("[aria-live]").inner_text()
    drag_by(page, query, -60, 45, touch=touch)
    q = position(query)
    assert np.allclose(q, [-60 * unit, -45 * unit], atol=2 * unit)
    others = np.array([position(handles.nth(j)) for j in range(len(X)) if j != i])
    assert np.allclose(others, np.delete(X, i, axis=0), atol=0.006), "only the dragged point moved"
    expected = lib_predict(np.vstack([X[:i], [before + moved], X[i + 1:]]), knn_demo().y, [q], 1, "L2")[0]
    now = page.locator("[aria-live]").inner_text()
    assert now != said and now.endswith(f"so it is class {expected}.")
    assert not errors, "\n".join(errors)


