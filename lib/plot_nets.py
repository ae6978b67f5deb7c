"""Pictures of networks: neurons and fully connected networks, architectures, filters, feature
maps, training curves, confusion matrices, complexity.

The companion of lib.plot (which holds the pictures of the earlier chapters) for the chapters
on multi-layer perceptrons, convolutional networks, LeNet-5 and AlexNet. Each function draws on
the figure or axes it is given, or a new one.
"""

import numpy as np

from lib._checks import integer
from lib.plot import PALETTE, show_images
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



def plot_filters(weights, ncols=10, fig=None, size=0.9, titles=None):
    """Convolution filters weights (F, C, K, K) drawn as a grid, one image per filter.

    One input channel: a diverging map centred on zero (red positive, blue negative).
    Three channels: each filter rescaled to [0, 1] and shown in colour, as in AlexNet's
    famous first-layer picture. Introduced in the chapter on convolutional networks.
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 4 or w.shape[1] not in (1, 3):
        raise ValueError(f"weights must be (F, C, K, K) with C = 1 or 3, got shape {w.shape}")
    if w.shape[1] == 1:
        limit = np.abs(w).max() or 1.0
        return show_images(w[:, 0], titles=titles, ncols=ncols, fig=fig, cmap="RdBu_r", vmin=-limit,
                           vmax=limit, size=size)
    lo = w.min(axis=(1, 2, 3), keepdims=True)
    hi = w.max(axis=(1, 2, 3), keepdims=True)
    rgb = ((w - lo) / np.where(hi > lo, hi - lo, 1.0)).transpose(0, 2, 3, 1)
    return show_images(rgb, titles=titles, ncols=ncols, fig=fig, size=size)


def plot_feature_maps(maps, ncols=10, fig=None, size=0.9, titles=None, cmap="viridis"):
    """Activations maps (C, H, W) of one image after a layer, one small image per channel."""
    maps = np.asarray(maps, dtype=np.float64)
    if maps.ndim != 3:
        raise ValueError(f"maps must be (C, H, W) for one image, got shape {maps.shape}")
    return show_images(maps, titles=titles, ncols=ncols, fig=fig, cmap=cmap, size=size)


# --- the chapter on LeNet-5 and AlexNet: training curves, confusion matrix, cost of networks ---

def plot_history(history, axes=None, val_label="validation"):
    """Curves of a lib.train_torch.train_torch history, per epoch: the loss (left), accuracy (right).

    history: dict with "loss" and, if present, "train_acc" and "val_acc" (one value per epoch);
    val_label names the held-out data in the legend. axes: two axes (a new figure if None).
    Introduced in the chapter on LeNet-5 and AlexNet.
    """


    if not isinstance(history, dict) or len(history.get("loss", [])) == 0:
        raise ValueError("history must be a dict with a non-empty 'loss' list, as train_torch returns")
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(MAX_WIDTH, 2.8), layout="constrained")
    ax_loss, ax_acc = axes
    epochs = np.arange(1, len(history["loss"]) + 1)
    ax_loss.semilogy(epochs, history["loss"], color=PALETTE[0], marker="o", markersize=4)
    ax_loss.set(xlabel="epoch", ylabel="training loss (log scale)", title="loss")
    for key, label, color in [("train_acc", "training", PALETTE[0]), ("val_acc", val_label, PALETTE[1])]:
        if key in history:
            ax_acc.plot(epochs, 100 * np.asarray(history[key]), color=color, marker="o", markersize=4,
                        label=label)
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    if ax_acc.lines:
        ax_acc.legend(loc="lower right")
    return axes


def plot_confusion_matrix(y_true, y_pred, ax=None, class_names=None):
    """Counts of (true class, predicted class) pairs: row i, column j = true i predicted as j.

    y_true, y_pred: (N,) integer labels 0..C-1. The diagonal holds the correct answers; every
    mistake off it is written in red. Introduced in the chapter on LeNet-5 and AlexNet.
    """
    from lib.plot import axes_or_new

    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim != 1 or y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must be (N,) of one length, got {y_true.shape}, {y_pred.shape}")
    labels_ok = len(y_true) > 0 and all(np.issubdtype(a.dtype, np.integer) and a.min() >= 0
                                        for a in (y_true, y_pred))
    if not labels_ok:
        raise ValueError("y_true and y_pred must hold at least one label, all integers >= 0")
    top = int(max(y_true.max(), y_pred.max()))
    C = top + 1 if class_names is None else len(class_names)
    if top >= C:
        raise ValueError(f"class_names has {C} names, but the labels go up to {top}")
    counts = np.zeros((C, C), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    ax = axes_or_new(ax)
    ax.imshow(counts, cmap="Blues", vmin=0, vmax=counts.max() * 1.3)
    for i, j in zip(*np.nonzero(counts), strict=True):
        ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=SMALL,
                color="black" if i == j else PALETTE[5], fontweight="normal" if i == j else "bold")
    names = [str(c) for c in range(C)] if class_names is None else list(class_names)
    ax.set(xticks=range(C), yticks=range(C), xticklabels=names, yticklabels=names,
           xlabel="predicted class", ylabel="true class",
           title=f"{int(np.trace(counts))} of {len(y_true)} correct")
    return ax


def plot_embedding(Z, y, ax=None, class_names=None, size=9):
    """A 2-D embedding Z (N, 2) of labelled points (y: (N,) labels 0..C-1), as t-SNE gives it.

    Each class has its colour and marker (lib.plot.scatter_classes, so a colour-blind reader can
    tell them apart) and its name written once, beside the median of its points, pushed outwards
    from the median of all points so that it does not hide a tight cluster. The axes are hidden:
    an embedding's coordinates mean nothing. Introduced in the chapter on LeNet-5 and AlexNet.
    """
    import matplotlib.patheffects as effects

    from lib._checks import labels
    from lib.plot import PALETTE, axes_or_new, scatter_classes

    Z = np.asarray(Z, dtype=np.float64)
    if Z.ndim != 2 or Z.shape[1] != 2 or len(Z) == 0:
        raise ValueError(f"Z must be a non-empty embedding of shape (N, 2), got {Z.shape}")
    C = len(PALETTE) if class_names is None else len(class_names)
    y = labels(y, len(Z), C, name="Z")
    C = int(y.max()) + 1 if class_names is None else C
    names = [str(c) for c in range(C)] if class_names is None else list(class_names)
    ax = axes_or_new(ax)
    scatter_classes(Z, y, ax=ax, num_classes=C, size=size, edge="none")
    centre = np.median(Z, axis=0)
    for c in np.unique(y):
        median = np.median(Z[y == c], axis=0)
        away = median - centre
        away = away / np.linalg.norm(away) if np.linalg.norm(away) > 0 else np.array([0.0, 1.0])
        ax.annotate(names[c], median, xytext=tuple(13 * away), textcoords="offset points", ha="center",
                    va="center", fontsize=13, fontweight="bold", color="0.15", zorder=4,
                    path_effects=[effects.withStroke(linewidth=2.5, foreground="white")])
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_axis_off()
    return ax


def _check_totals(totals):
    keys = ("params", "macs", "conv_params", "conv_macs", "linear_params", "linear_macs")
    if not isinstance(totals, dict) or not totals or \
            any(not isinstance(t, dict) or any(k not in t for k in keys) for t in totals.values()):
        raise ValueError(f"totals must map network names to dicts with {keys} (lib.models.layer_totals)")


def _count(n):
    """A count in words: 6.5 million, 15.47 billion."""
    return f"{n / 1e9:.2f} billion" if n >= 1e9 else f"{n / 1e6:.1f} million"


def plot_complexity(totals, ax=None):
    """Parameters against multiply-adds per image, one point per network, both axes logarithmic.

    totals: {name: lib.models.layer_totals(...)}. Introduced in the chapter on LeNet-5 and AlexNet.
    """
    from lib.plot import MARKERS, PALETTE, axes_or_new

    _check_totals(totals)
    ax = axes_or_new(ax)
    values = np.array([[t["macs"], t["params"]] for t in totals.values()], dtype=float)
    for k, (name, t) in enumerate(totals.items()):
        ax.scatter(t["macs"], t["params"], s=90, color=PALETTE[k % len(PALETTE)], marker=MARKERS[k % 10],
                   zorder=3)
        # below and to the right of its point; the rightmost network's above and to the left,
        # so that a narrow figure holds it
        last = len(totals) > 1 and t["macs"] == values[:, 0].max()
        ax.annotate(f"{name}\n{_count(t['params'])} parameters\n{_count(t['macs'])} multiply-adds",
                    (t["macs"], t["params"]), xytext=(-10, 8) if last else (10, -6),
                    textcoords="offset points", fontsize=SMALL, ha="right" if last else "left",
                    va="bottom" if last else "top")
    ax.set(xscale="log", yscale="log", xlabel="multiply-adds per image", ylabel="parameters",
           xlim=(values[:, 0].min() / 3, values[:, 0].max() * 60),
           ylim=(values[:, 1].min() / 10, values[:, 1].max() * 20))
    ax.grid(True, which="major", alpha=0.3)
    return ax


def plot_cost_split(totals, ax=None):
    """Where each network keeps its parameters and spends its multiply-adds: conv vs linear shares.

    totals: {name: lib.models.layer_totals(...)}; two stacked bars per network (parameters,
    multiply-adds), each split into convolutional and fully connected layers, in percent.
    Introduced in the chapter on LeNet-5 and AlexNet.
    """
    from lib.plot import axes_or_new

    _check_totals(totals)
    ax = axes_or_new(ax)
    labels, position = [], 0
    for name, t in totals.items():
        for what, word in [("params", "parameters"), ("macs", "multiply-adds")]:
            conv, linear = 100 * t[f"conv_{what}"] / t[what], 100 * t[f"linear_{what}"] / t[what]
            ax.barh(position, conv, color=PALETTE[0], label="convolutional layers" if position == 0 else None)
            ax.barh(position, linear, left=conv, color=PALETTE[1],
                    label="fully connected layers" if position == 0 else None)
            for start, share in [(0, conv), (conv, linear)]:
                if share >= 8:
                    ax.text(start + share / 2, position, f"{share:.0f}%", ha="center", va="center",
                            color="white", fontsize=SMALL)
            labels.append(f"{name}: {word}")
            position += 1
    ax.set(yticks=range(len(labels)), yticklabels=labels, xlim=(0, 100), xlabel="share (%)")
    ax.invert_yaxis()
    ax.legend(loc="upper right", bbox_to_anchor=(1.0, -0.18), ncol=2, frameon=False)  # under the bars
    return ax
