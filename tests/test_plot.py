"""Pictures: each draws what it is asked to on the axes it is given, and rejects bad shapes."""

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lib import plot  # noqa: E402


def test_decision_regions_colour_the_plane_by_the_predicted_class():
    ax = Figure().add_subplot()
    X, y = np.array([[-1.0, 0.0], [1.0, 0.0]]), np.array([0, 1])
    plot.plot_decision_regions(lambda P: (P[:, 0] > 0).astype(int), X, y, ax=ax, resolution=20)
    labels = ax.images[0].get_array()
    assert labels[:, :10].max() == 0 and labels[:, 10:].min() == 1
    assert ax.get_xlim() == pytest.approx((-1.3, 1.3))


def test_show_images_makes_one_axis_per_cell_with_titles():
    fig = plot.show_images(np.zeros((5, 8, 8)), titles=list("abcde"), ncols=3, fig=Figure())
    assert len(fig.axes) == 6 and fig.axes[4].get_title() == "e" and not fig.axes[5].images


def test_templates_reshape_rows_and_use_a_symmetric_colour_scale():
    W = np.arange(2 * 64, dtype=float).reshape(2, 64) - 10
    fig = plot.plot_templates(W, (8, 8), class_names=["a", "b"], fig=Figure())
    image = fig.axes[1].images[0]
    assert image.get_array().shape == (8, 8) and image.get_clim() == (-117.0, 117.0)


def test_templates_wrap_into_rows_of_ncols():
    fig = plot.plot_templates(np.ones((10, 64)), (8, 8), ncols=5, fig=Figure())
    rows = {round(ax.get_position().y0, 3) for ax in fig.axes}
    assert len(fig.axes) == 10 and len(rows) == 2


def test_cross_validation_draws_every_fold_and_the_means():
    ax = Figure().add_subplot()
    plot.plot_cross_validation({1: [0.5, 0.7], 3: [0.8, 0.9]}, ax=ax)
    points = np.concatenate([c.get_offsets() for c in ax.collections[:2]])
    assert len(points) == 4
    assert np.allclose(ax.lines[0].get_ydata(), [0.6, 0.85])


@pytest.mark.parametrize("call, match", [
    (lambda: plot.show_images(np.zeros((8, 8))), "images must be"),
    (lambda: plot.plot_templates(np.zeros((2, 10)), (8, 8)), "W must be"),
    (lambda: plot.scatter_classes(np.zeros((3, 3)), np.zeros(3)), "shape"),
    (lambda: plot.class_colors(0), "num_classes"),
])
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()
