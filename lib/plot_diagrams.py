"""Diagrams of networks drawn from their sizes, so that a picture cannot disagree with the model:
a neuron, a fully connected network, a convolution as volumes, a CNN's architecture.

Introduced in the chapters on multi-layer perceptrons (plot_neuron, plot_network), on
convolutional networks (plot_conv_volumes) and on LeNet-5 (plot_architecture).
"""

import numpy as np

from lib._checks import integer
from lib.plot import PALETTE
from lib.style import MAX_WIDTH, SMALL

# --- the chapter on multi-layer perceptrons: a neuron, a fully connected network ---

ELLIPSIS = "\u22ee"  # vertical ellipsis: the units of a wide layer that are not drawn
INPUT_COLOR, HIDDEN_COLOR, OUTPUT_COLOR, WEIGHT_COLOR = PALETTE[8], PALETTE[0], PALETTE[1], "#999999"


def _shown_units(size, max_shown):
    """The units of a layer that are drawn, top to bottom: all of them, or the first and last
    max_shown // 2 (and one more at the top when max_shown is odd) with None for the ellipsis."""
    if size <= max_shown:
        return list(range(size))
    bottom = max_shown // 2
    return list(range(max_shown - bottom)) + [None] + list(range(size - bottom, size))


def _bare_axes(ax):
    """No spines, no y axis, no tick marks: a diagram, not a plot."""
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_yticks([])
    ax.tick_params(axis="x", length=0)


def _network_counts(sizes):
    """lib.mlp.count_parameters of make_mlp(sizes), built on torch's meta device (no memory, no numbers)."""
    import torch

    from lib.mlp import count_parameters, make_mlp

    with torch.device("meta"):
        return count_parameters(make_mlp(sizes))


def plot_network(layer_sizes, ax=None, labels=True, counts=True, max_shown=8):
    """A fully connected network drawn from its layer sizes, as the lectures draw one.

    layer_sizes: [d_0, d_1, ..., d_L], at least two integers >= 1: d_0 inputs, then the neurons
    of each hidden layer and of the output layer. Each input and each neuron is a circle (inputs
    grey: they are numbers, not neurons; hidden neurons blue; outputs orange) and each weight a
    line between circles of consecutive layers. A layer wider than max_shown (>= 2) is drawn as its
    first and last units with a vertical ellipsis between them (max_shown circles in all), and
    only the weights between drawn circles appear: a 64-input layer shows 8 circles, not 64.
    labels: name each layer and its size under it (input layer, hidden layer or hidden 1, 2, ...,
    output layer).
    counts: the title gives the network's neurons, weights, biases and parameters, counted by
    lib.mlp.count_parameters on make_mlp(layer_sizes). Introduced in the chapter on multi-layer
    perceptrons. Returns the axes.
    """
    # Longer than 40 lines: checks, layout, circles, weights and labels of one picture, in order.
    sizes = list(layer_sizes) if isinstance(layer_sizes, list | tuple | np.ndarray) else None
    if sizes is None or len(sizes) < 2:
        raise ValueError(f"layer_sizes must be a list of at least two layer sizes [inputs, ..., outputs], "
                         f"got {layer_sizes!r}")
    sizes = [integer(f"layer_sizes[{i}]", d, 1) for i, d in enumerate(sizes)]
    max_shown = integer("max_shown", max_shown, 2)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(MAX_WIDTH, 2.9), layout="constrained")
    rows = max(len(_shown_units(d, max_shown)) for d in sizes)
    axes_height_pt = ax.figure.get_figheight() * 72 * 0.7
    diameter = min(22.0, 0.6 * axes_height_pt / rows)  # in points: round at any aspect ratio
    columns = []  # per layer: the y of each drawn unit (None for the ellipsis)
    for d in sizes:
        slots = _shown_units(d, max_shown)
        ys = (len(slots) - 1) / 2 - np.arange(len(slots))
        columns.append([(y, unit) for y, unit in zip(ys, slots, strict=True)])
    segments = []
    for layer, (left, right) in enumerate(zip(columns[:-1], columns[1:], strict=True)):
        segments += [[(layer, y0), (layer + 1, y1)] for y0, u0 in left if u0 is not None
                     for y1, u1 in right if u1 is not None]
    from matplotlib.collections import LineCollection

    ax.add_collection(LineCollection(segments, colors=WEIGHT_COLOR, linewidths=0.8, zorder=1, gid="weights"))
    last = len(sizes) - 1
    for layer, column in enumerate(columns):
        color = INPUT_COLOR if layer == 0 else OUTPUT_COLOR if layer == last else HIDDEN_COLOR
        drawn = [y for y, unit in column if unit is not None]
        ax.scatter(np.full(len(drawn), layer), drawn, s=diameter ** 2, color=color, edgecolors="white",
                   linewidths=1.0, zorder=3, gid="inputs" if layer == 0 else "neurons")
        for y, unit in column:
            if unit is None:
                ax.text(layer, y, ELLIPSIS, ha="center", va="center", fontsize=14, zorder=3)
    _bare_axes(ax)
    ax.set(xlim=(-0.5, last + 0.5), ylim=(-rows / 2, rows / 2))
    ax.set_xticks([])
    if labels:
        hidden = [f"hidden {k}" if last > 2 else "hidden layer" for k in range(1, last)]
        names = ["input layer", *hidden, "output layer"]
        units = [f"{sizes[0]:,} inputs"] + [f"{d:,} neuron{'s' * (d > 1)}" for d in sizes[1:]]
        ax.set_xticks(range(len(sizes)), [f"{n}\n{u}" for n, u in zip(names, units, strict=True)],
                      fontsize=SMALL)
    if counts:
        c = _network_counts(sizes)
        ax.set_title(f"{c['neurons']:,} neurons, {c['weights']:,} weights + {c['biases']:,} biases "
                     f"= {c['parameters']:,} parameters")
    return ax


def plot_neuron(num_inputs=3, ax=None, activation="f"):
    """One neuron as the lectures draw it: inputs x_i, weights w_i on the edges, the weighted sum
    plus the bias b, the activation function and the output y = f(sum_i w_i x_i + b).

    num_inputs: how many inputs (>= 1); more than 4 are drawn as x_1, x_2, an ellipsis, x_{n-1},
    x_n. activation: the activation's name or symbol (a mathtext string, "f" by default, or
    e.g. "ReLU"). Introduced in the chapter on multi-layer perceptrons. Returns the axes.
    """
    num_inputs = integer("num_inputs", num_inputs, 1)
    if not isinstance(activation, str) or not activation.strip():
        raise ValueError(f"activation must be a non-empty name, got {activation!r}")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(MAX_WIDTH, 2.0), layout="constrained")
    slots = _shown_units(num_inputs, 4)
    ys = ((len(slots) - 1) / 2 - np.arange(len(slots))) * 0.55
    body, act, out = (2.3, 0.0), (3.4, 0.0), (4.3, 0.0)
    for y, i in zip(ys, slots, strict=True):
        if i is None:
            ax.text(0.0, y, ELLIPSIS, ha="center", va="center", fontsize=14)
            continue
        ax.plot([0.0, body[0]], [y, 0.0], color=WEIGHT_COLOR, lw=1.2, zorder=1)
        ax.scatter([0.0], [y], s=22 ** 2, color=INPUT_COLOR, edgecolors="white", zorder=3, gid="inputs")
        ax.text(-0.22, y, f"$x_{{{i + 1}}}$", ha="right", va="center", fontsize=SMALL + 1)
        ax.text(0.9, y * (1 - 0.9 / body[0]) + 0.06, f"$w_{{{i + 1}}}$", ha="center", va="bottom",
                fontsize=SMALL, color=PALETTE[0])
    ax.scatter([body[0]], [0.0], s=46 ** 2, color=HIDDEN_COLOR, edgecolors="white", zorder=3, gid="neurons")
    ax.text(*body, "$\\Sigma$", ha="center", va="center", color="white", fontsize=SMALL + 4, zorder=4)
    ax.annotate("bias $b$", body, xytext=(body[0], 0.95), ha="center", va="bottom", fontsize=SMALL,
                arrowprops={"arrowstyle": "->", "color": WEIGHT_COLOR, "shrinkB": 18})
    label = activation if activation.startswith("$") or len(activation) > 1 else f"${activation}$"
    box = ax.text(*act, label, ha="center", va="center", fontsize=SMALL + 1, zorder=4,
                  bbox={"boxstyle": "round,pad=0.35", "facecolor": "white", "edgecolor": PALETTE[7]})
    ax.annotate("", act, xytext=body, arrowprops={"arrowstyle": "->", "shrinkA": 18, "shrinkB": 0,
                                                  "patchB": box.get_bbox_patch()})
    ax.annotate("", out, xytext=act, arrowprops={"arrowstyle": "->", "shrinkA": 0, "shrinkB": 2,
                                                 "patchA": box.get_bbox_patch()})
    f = label.strip("$") if label.startswith("$") else f"\\mathrm{{{label}}}"
    ax.text(out[0] + 0.05, 0.0, f"$y = {f}\\left(\\sum_i w_i x_i + b\\right)$", ha="left", va="center",
            fontsize=SMALL + 1)
    _bare_axes(ax)
    ax.set_xticks([])
    ax.set(xlim=(-0.6, 6.4), ylim=(min(ys.min(), -0.4) - 0.3, max(ys.max(), 0.95) + 0.35))
    return ax


# --- the chapters on convolutional networks and LeNet-5: an architecture from its layer table ---

KIND_COLORS = {"Input": PALETTE[8], "Conv2d": PALETTE[0], "ReLU": PALETTE[2], "MaxPool2d": PALETTE[1],
               "Flatten": PALETTE[8], "Linear": PALETTE[3], "Dropout": PALETTE[4]}


def _check_rows(rows):
    def shape_ok(shape):
        return isinstance(shape, tuple | list) and len(shape) > 0 and \
            all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in shape)

    keys = {"layer", "kind", "output"}
    ok = isinstance(rows, list | tuple) and len(rows) > 0 and \
        all(isinstance(r, dict) and keys <= r.keys() and shape_ok(r["output"]) for r in rows)
    if not ok:
        raise ValueError("rows must be a non-empty list of dicts with 'layer', 'kind' and 'output' (a shape "
                         f"of positive integers), as lib.models.layer_table returns, got {rows!r:.120}")


def plot_architecture(rows, ax=None, row_height=0.32):
    """A network's architecture drawn from lib.models.layer_table(model, input_shape): one box per row.

    Rows go top to bottom, from the input to the scores. Each box's width is proportional to the
    square root of the number of values the layer outputs (the side of a square that holds them),
    so the picture shows the representation growing under the first convolution and shrinking
    to the scores; each box is coloured by the layer's kind (KIND_COLORS) and labelled with
    its output shape (C x H x W, or N) and the lecture's name of the layer. Drawn from the model's
    own table, the picture cannot disagree with the model. row_height: inches per row.
    Written for the chapter on LeNet-5 and AlexNet, beside its layer tables. Returns the axes.
    """
    _check_rows(rows)
    if not row_height > 0:
        raise ValueError(f"row_height must be > 0 (inches), got {row_height!r}")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(MAX_WIDTH, row_height * len(rows) + 0.3), layout="constrained")
    from matplotlib.patches import Rectangle

    sizes = np.sqrt([float(np.prod(r["output"])) for r in rows])
    widths = np.maximum(0.04, 1.2 * sizes / sizes.max())  # the narrowest stays visible
    for i, (row, width) in enumerate(zip(rows, widths, strict=True)):
        y = -i
        ax.add_patch(Rectangle((0.7 - width / 2, y - 0.35), width, 0.7, gid="layer",
                               facecolor=KIND_COLORS.get(row["kind"], PALETTE[7]), edgecolor="white"))
        shape = " \u00d7 ".join(str(n) for n in row["output"])
        ax.text(1.4, y, shape, ha="left", va="center", fontsize=SMALL)
        ax.text(2.7, y, row["layer"], ha="left", va="center", fontsize=SMALL)
    _bare_axes(ax)
    ax.set_xticks([])
    ax.set(xlim=(0.0, MAX_WIDTH), ylim=(-len(rows) + 0.5, 0.5))
    ax.text(1.4, 0.55, "output shape", ha="left", va="bottom", fontsize=SMALL, color=PALETTE[7],
            fontweight="bold")
    ax.text(2.7, 0.55, "layer", ha="left", va="bottom", fontsize=SMALL, color=PALETTE[7], fontweight="bold")
    return ax


def _box(ax, x, y, width, height, depth, color, zorder=1):
    """An oblique box: its front face width x height at (x, y), its depth drawn up and to the right."""
    from matplotlib.colors import to_rgb
    from matplotlib.patches import Polygon

    dx = dy = 0.5 * depth
    rgb = np.array(to_rgb(color))
    faces = [([(x, y), (x + width, y), (x + width, y + height), (x, y + height)], rgb),  # front
             ([(x, y + height), (x + width, y + height), (x + width + dx, y + height + dy),
               (x + dx, y + height + dy)], 1 - 0.55 * (1 - rgb)),  # top, lighter
             ([(x + width, y), (x + width + dx, y + dy), (x + width + dx, y + height + dy),
               (x + width, y + height)], 0.75 * rgb)]  # side, darker
    for corners, shade in faces:
        ax.add_patch(Polygon(corners, closed=True, facecolor=shade, edgecolor="black", lw=0.8, zorder=zorder))


def plot_conv_volumes(in_shape=(3, 32, 32), kernel=5, out_channels=6, ax=None, depth_scale=4.0):
    """A convolution layer as volumes: the input (C, H, W), one filter (C, K, K) on it, and the
    stack of out_channels activation maps (stride 1, no padding), one slice per filter, the
    drawn filter's in front.

    Sizes come from lib.conv.conv_output_size, and the labels from the shapes, so the picture is
    the layer's own: for the lectures' example, a 3x32x32 image and 6 filters of 3x5x5 give 6
    maps of 28x28. Each channel is drawn depth_scale units deep. Introduced in the chapter on
    convolutional networks.
    """
    from lib.conv import conv_output_size

    if len(in_shape) != 3:
        raise ValueError(f"in_shape must be (C, H, W), got {in_shape!r}")
    C, H, W = (integer(name, v, 1) for name, v in zip(("C", "H", "W"), in_shape, strict=True))
    K, M = integer("kernel", kernel, 1), integer("out_channels", out_channels, 1)
    if K > min(H, W):
        raise ValueError(f"kernel must fit the input: K <= min(H, W) = {min(H, W)}, got {K}")
    Ho, Wo = conv_output_size(H, K, 0, 1), conv_output_size(W, K, 0, 1)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(MAX_WIDTH, 2.6), layout="constrained")
    gap = 0.35 * W
    in_depth, out_depth = C * depth_scale, M * depth_scale
    _box(ax, 0, 0, W, H, in_depth, PALETTE[8])
    _box(ax, 1, H - K - 1, K, K, in_depth, PALETTE[5], zorder=2)  # the filter, through every channel
    x_out = W + 0.5 * in_depth + gap
    for k in reversed(range(M)):  # one slice per filter, back to front; the front one is this filter's
        _box(ax, x_out + 0.5 * k * depth_scale, 0.5 * k * depth_scale, Wo, Ho, depth_scale,
             PALETTE[1] if k == 0 else PALETTE[0])
    for fx, fy in [(1 + K, H - 1), (1 + K, H - K - 1)]:  # the filter's window -> one output value
        ax.plot([fx, x_out + 0.5], [fy, Ho - 0.5], color=PALETTE[5], lw=1, zorder=3)
    text = {"fontsize": SMALL, "ha": "center", "va": "top"}
    ax.text(W / 2, -2, f"input {C}×{H}×{W}", **text)
    ax.text(x_out + Wo / 2, -2, f"{M} activation maps, {M}×{Ho}×{Wo}\n(in front: this filter's)", **text)
    ax.text(1 + K / 2, H + 0.5 * in_depth + 2, f"a filter: {C}×{K}×{K}\n(one of {M})", fontsize=SMALL,
            ha="center", va="bottom", color=PALETTE[5])
    ax.set(xlim=(-2, x_out + Wo + 0.5 * out_depth + 2), ylim=(-9, H + 0.5 * max(in_depth, out_depth) + 9),
           aspect="equal")
    ax.axis("off")
    return ax
