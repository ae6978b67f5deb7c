"""Pictures of what networks learn and cost: filters, feature maps, training curves, confusion
matrices, embeddings, complexity.

The companion of lib.plot (which holds the pictures of the earlier chapters) for the chapters
on convolutional networks, LeNet-5 and AlexNet; the diagrams of networks drawn from their sizes
are in lib.plot_diagrams. Each function draws on the figure or axes it is given, or a new one.
"""

import numpy as np

from lib.plot import PALETTE, show_images
from lib.style import MAX_WIDTH, SMALL


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
