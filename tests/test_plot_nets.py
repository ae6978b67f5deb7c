"""Pictures of networks: shapes are checked and each filter gets its own panel."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lib.plot_nets import plot_feature_maps, plot_filters  # noqa: E402


def test_plot_filters_grey_and_colour():
    rng = np.random.default_rng(0)
    fig = plot_filters(rng.normal(size=(20, 1, 5, 5)), ncols=10)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 20 and shown[0].images[0].get_array().shape == (5, 5)
    fig = plot_filters(rng.normal(size=(6, 3, 11, 11)), ncols=3)
    rgb = [ax.images[0].get_array() for ax in fig.axes if ax.images]
    assert len(rgb) == 6 and rgb[0].shape == (11, 11, 3)
    assert all(0.0 <= a.min() and a.max() <= 1.0 for a in rgb)
    plt.close("all")


def test_plot_feature_maps_one_panel_per_channel():
    fig = plot_feature_maps(np.arange(2 * 4 * 4).reshape(2, 4, 4))
    assert len([ax for ax in fig.axes if ax.images]) == 2
    plt.close("all")


@pytest.mark.parametrize("call, match", [
    (lambda: plot_filters(np.zeros((4, 2, 3, 3))), "weights must be"),
    (lambda: plot_filters(np.zeros((4, 3, 3))), "weights must be"),
    (lambda: plot_feature_maps(np.zeros((1, 2, 4, 4))), "maps must be"),
])
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- training curves, confusion matrix, the cost of networks (chapter on LeNet-5 and AlexNet) ---

def test_plot_history_draws_loss_and_both_accuracies():
    from lib.plot_nets import plot_history

    history = {"loss": [1.0, 0.5, 0.2], "lr": [0.1] * 3, "train_acc": [0.5, 0.8, 0.9],
               "val_acc": [0.4, 0.7, 0.85]}
    ax_loss, ax_acc = plot_history(history, val_label="test")
    assert np.allclose(ax_loss.lines[0].get_ydata(), history["loss"]) and ax_loss.get_yscale() == "log"
    assert [line.get_label() for line in ax_acc.lines] == ["training", "test"]
    assert np.allclose(ax_acc.lines[1].get_ydata(), [40, 70, 85])
    _, ax_acc = plot_history({"loss": [1.0, 0.5]})  # a regression history: no accuracy curves
    assert not ax_acc.lines
    plt.close("all")


def test_plot_embedding_names_each_class_once_beside_its_points():
    from lib.plot_nets import plot_embedding

    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(10), 5)
    Z = 10 * np.stack([np.cos(y), np.sin(y)], axis=1) + rng.normal(size=(50, 2))
    ax = plot_embedding(Z, y)
    assert len(ax.collections) == 10 and not ax.axison
    names = {t.get_text(): t for t in ax.texts}
    assert sorted(names) == [str(c) for c in range(10)]
    # each name points at the median of its class, and is pushed outwards (away from the centre)
    for c in range(10):
        assert np.allclose(names[str(c)].xy, np.median(Z[y == c], axis=0))
        assert np.dot(names[str(c)].get_position(), names[str(c)].xy - np.median(Z, axis=0)) > 0
    ax = plot_embedding(Z[:10], y[:10], class_names=["a", "b"])  # classes 0 and 1
    assert sorted(t.get_text() for t in ax.texts) == ["a", "b"]
    plt.close("all")


def test_plot_confusion_matrix_counts_pairs_like_scikit_learn():
    from sklearn.metrics import confusion_matrix

    from lib.plot_nets import plot_confusion_matrix

    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 4, size=50)
    y_pred = np.where(rng.random(50) < 0.8, y_true, rng.integers(0, 4, size=50))
    ax = plot_confusion_matrix(y_true, y_pred)
    expected = confusion_matrix(y_true, y_pred)
    assert np.array_equal(ax.images[0].get_array(), expected)
    assert len(ax.texts) == np.count_nonzero(expected)
    assert ax.get_title() == f"{np.trace(expected)} of 50 correct"
    ax = plot_confusion_matrix([0, 1], [1, 1], class_names=["cat", "dog", "bird"])
    assert ax.images[0].get_array().shape == (3, 3)
    plt.close("all")


def _totals(params, macs, conv_share):
    return {"params": params, "macs": macs, "conv_params": int(params * conv_share),
            "linear_params": params - int(params * conv_share), "conv_macs": macs, "linear_macs": 0}


def test_plot_complexity_and_cost_split():
    from lib.plot_nets import plot_complexity, plot_cost_split

    totals = {"small": _totals(1_000, 10_000, 0.25), "big": _totals(1_000_000, 10**9, 0.5)}
    ax = plot_complexity(totals)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log" and len(ax.collections) == 2
    assert np.allclose(ax.collections[1].get_offsets(), [[1e9, 1e6]])
    ax = plot_cost_split(totals)
    widths = [p.get_width() for p in ax.patches]  # conv then linear, for params then macs, per network
    assert np.allclose(widths, [25, 75, 100, 0, 50, 50, 100, 0])
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == ["small: parameters", "small: multiply-adds"]
    plt.close("all")


@pytest.mark.parametrize("call, match", [
    (lambda f: f.plot_history({"train_acc": [0.5]}), "history"),
    (lambda f: f.plot_confusion_matrix([0, 1], [0]), "y_true"),
    (lambda f: f.plot_confusion_matrix([0, 1.5], [0, 1]), "integers"),
    (lambda f: f.plot_confusion_matrix([0, 3], [0, 1], class_names=["a", "b"]), "class_names"),
    (lambda f: f.plot_complexity({"net": {"params": 1}}), "totals"),
    (lambda f: f.plot_cost_split({}), "totals"),
    (lambda f: f.plot_embedding(np.zeros((3, 3)), [0, 1, 2]), "Z"),
    (lambda f: f.plot_embedding(np.zeros((3, 2)), [0, 1]), "y"),
    (lambda f: f.plot_embedding(np.zeros((2, 2)), [0, 2], class_names=["a", "b"]), "labels"),
])
def test_lenet_chapter_plots_bad_input(call, match):
    import lib.plot_nets

    with pytest.raises(ValueError, match=match):
        call(lib.plot_nets)
