"""lib.plot_diagrams: networks drawn from their sizes, checked by what they draw."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

# --- a neuron, a fully connected network (chapter on multi-layer perceptrons), an architecture ---

def _circles(ax):
    """The number of circles a network picture draws: the points of its scatter collections."""
    return sum(len(c.get_offsets()) for c in ax.collections if c.get_gid() in ("inputs", "neurons"))


def _weights(ax):
    return sum(len(c.get_segments()) for c in ax.collections if c.get_gid() == "weights")


def test_plot_network_draws_the_lectures_3_4_2_network():
    from lib.plot_diagrams import plot_network

    ax = plot_network([3, 4, 2])
    assert _circles(ax) == 9 and _weights(ax) == 20       # 3 inputs + 6 neurons; 3*4 + 4*2 weights
    inputs = [c for c in ax.collections if c.get_gid() == "inputs"]
    assert len(inputs) == 1 and len(inputs[0].get_offsets()) == 3
    assert ax.get_title() == "6 neurons, 20 weights + 6 biases = 26 parameters"
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["input layer\n3 inputs", "hidden layer\n4 neurons", "output layer\n2 neurons"]
    ax = plot_network([2, 3, 3, 1], labels=False, counts=False)
    assert _circles(ax) == 9 and _weights(ax) == 2 * 3 + 3 * 3 + 3 * 1
    assert ax.get_title() == "" and not ax.get_xticklabels()
    plt.close("all")


def test_plot_network_counts_come_from_count_parameters():
    from lib.mlp import count_parameters, make_mlp
    from lib.plot_diagrams import plot_network

    c = count_parameters(make_mlp([3072, 100, 100, 10]))
    ax = plot_network([3072, 100, 100, 10])
    assert ax.get_title() == (f"{c['neurons']:,} neurons, {c['weights']:,} weights + {c['biases']:,} biases "
                              f"= {c['parameters']:,} parameters")
    assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == \
        ["input layer", "hidden 1", "hidden 2", "output layer"]
    plt.close("all")


def test_plot_network_shortens_wide_layers_with_an_ellipsis():
    from lib.plot_diagrams import ELLIPSIS, plot_network

    ax = plot_network([64, 32, 10], max_shown=8)  # 8 circles per layer, weights only between them
    assert _circles(ax) == 24 and _weights(ax) == 2 * 8 * 8
    assert [t.get_text() for t in ax.texts].count(ELLIPSIS) == 3
    ax = plot_network([64, 3], max_shown=5)       # 3 + 2 circles around the ellipsis
    assert _circles(ax) == 8 and _weights(ax) == 15
    ys = sorted(y for (x, y) in ax.collections[1].get_offsets() if x == 0)
    ellipsis_y = next(t.get_position()[1] for t in ax.texts if t.get_text() == ELLIPSIS)
    assert sum(y > ellipsis_y for y in ys) == 3 and sum(y < ellipsis_y for y in ys) == 2
    # every text of the picture is legible on a phone, and the figure fits the column
    from lib.style import MAX_WIDTH, SMALL, smallest_text_pt

    assert smallest_text_pt(ax.figure) >= SMALL and ax.figure.get_figwidth() <= MAX_WIDTH
    plt.close("all")


def test_plot_neuron_draws_inputs_weights_sum_and_activation():
    from lib.plot_diagrams import ELLIPSIS, plot_neuron

    ax = plot_neuron(3)
    texts = [t.get_text() for t in ax.texts]
    assert _circles(ax) == 3 + 1                           # three inputs, one neuron
    assert {"$x_{1}$", "$x_{2}$", "$x_{3}$", "$w_{1}$", "$w_{2}$", "$w_{3}$", "$f$"} <= set(texts)
    assert any("w_i x_i + b" in t for t in texts)
    ax = plot_neuron(10, activation="ReLU")
    texts = [t.get_text() for t in ax.texts]
    assert _circles(ax) == 4 + 1 and ELLIPSIS in texts and "$x_{10}$" in texts and "ReLU" in texts
    plt.close("all")


def test_plot_architecture_draws_one_box_per_row_of_layer_table():
    from matplotlib.patches import Rectangle

    from lib.models import layer_table, lenet5
    from lib.plot_diagrams import plot_architecture

    rows = layer_table(lenet5(), (1, 28, 28))
    ax = plot_architecture(rows)
    boxes = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_gid() == "layer"]
    assert len(boxes) == len(rows) == 11
    texts = [t.get_text() for t in ax.texts]
    assert "1 \u00d7 28 \u00d7 28" in texts and "50 \u00d7 7 \u00d7 7" in texts and "10" in texts
    assert all(row["layer"] in texts for row in rows)
    # wider boxes for more values: 20x28x28 is the widest, the 10 scores the narrowest
    values = [np.prod(row["output"]) for row in rows]
    widths = [b.get_width() for b in boxes]
    assert np.argmax(widths) == np.argmax(values) and np.argmin(widths) == np.argmin(values) == len(rows) - 1
    assert np.allclose(widths[1] / widths[0], np.sqrt(20))
    plt.close("all")


@pytest.mark.parametrize("call, match", [
    (lambda f: f.plot_network([3]), "layer_sizes must be a list of at least two"),
    (lambda f: f.plot_network(3), "layer_sizes must be a list"),
    (lambda f: f.plot_network([3, 0, 2]), r"layer_sizes\[1\] must be an integer >= 1, got 0"),
    (lambda f: f.plot_network([3, 2.5]), r"layer_sizes\[1\]"),
    (lambda f: f.plot_network([3, 4, 2], max_shown=1), "max_shown must be an integer >= 2"),
    (lambda f: f.plot_neuron(0), "num_inputs must be an integer >= 1"),
    (lambda f: f.plot_neuron(3, activation=""), "activation"),
    (lambda f: f.plot_architecture([]), "rows must be a non-empty list"),
    (lambda f: f.plot_architecture([{"layer": "Input", "kind": "Input"}]), "layer_table"),
    (lambda f: f.plot_architecture([{"layer": "x", "kind": "Input", "output": (1, 0)}]), "positive integers"),
    (lambda f: f.plot_architecture([{"layer": "x", "kind": "Input", "output": (1,)}], row_height=0),
     "row_height"),
])
def test_network_pictures_bad_input(call, match):
    import lib.plot_diagrams

    with pytest.raises(ValueError, match=match):
        call(lib.plot_diagrams)
    plt.close("all")


def test_conv_volumes_draw_the_lectures_example_from_the_layer_sizes():
    from matplotlib.patches import Polygon

    from lib.plot_diagrams import plot_conv_volumes

    ax = plot_conv_volumes((3, 32, 32), kernel=5, out_channels=6)
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "input 3×32×32" in texts and "6×28×28" in texts and "3×5×5" in texts
    assert sum(isinstance(p, Polygon) for p in ax.patches) == (2 + 6) * 3  # input, filter, 6 maps
    ax = plot_conv_volumes((1, 10, 12), kernel=3, out_channels=2)
    assert "2×8×10" in " ".join(t.get_text() for t in ax.texts)  # the sizes are computed, not typed
    for bad, word in [({"in_shape": (3, 32)}, "in_shape"), ({"kernel": 40}, "kernel"),
                      ({"out_channels": 0}, "out_channels")]:
        with pytest.raises(ValueError, match=word):
            plot_conv_volumes(**{"in_shape": (3, 32, 32)} | bad)
    plt.close("all")
