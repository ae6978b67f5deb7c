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
