"""Every picture in the book. Each function draws on the axes (or figure) it is given, or a new one.

Colours come from the Okabe-Ito palette, which reads for colour-blind readers too.
"""

import numpy as np

# Okabe & Ito (2008): distinguishable under the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000", "#999999", "#882255"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">"]


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(5, 4), layout="constrained")
    return ax


def _figure(fig, figsize):
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=figsize, layout="constrained")
    return fig


def class_colors(num_classes):
    """The first num_classes colours of the palette."""
    if not 1 <= num_classes <= len(PALETTE):
        raise ValueError(f"num_classes must be 1..{len(PALETTE)}, got {num_classes}")
    return PALETTE[:num_classes]


def scatter_classes(X, y, ax=None, num_classes=None, size=30, edge="white"):
    """2-D points, one colour and marker per class. X: (N, 2), y: (N,)."""
    ax = _axes(ax)
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) != len(y):
        raise ValueError(f"need X of shape (N, 2) and y of shape (N,), got {X.shape} and {y.shape}")
    num_classes = num_classes or int(y.max()) + 1
    for c, color in enumerate(class_colors(num_classes)):
        pts = X[y == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=size, c=color, marker=MARKERS[c], edgecolors=edge,
                   linewidths=0.6, label=f"class {c}", zorder=3)
    return ax


def plot_decision_regions(predict, X, y, ax=None, num_classes=None, resolution=150, margin=0.3,
                          extent=None):
    """Shade the plane by the class predict() gives each point, and draw the data on top.

    predict: a function from (M, 2) points to (M,) integer labels.
    extent: (xmin, xmax, ymin, ymax); by default the data's range plus a margin.
    """
    ax = _axes(ax)
    X, y = np.asarray(X), np.asarray(y)
    num_classes = num_classes or int(y.max()) + 1
    if extent is None:
        (x0, y0), (x1, y1) = X.min(axis=0) - margin, X.max(axis=0) + margin
    else:
        x0, x1, y0, y1 = extent
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    labels = np.asarray(predict(np.column_stack([gx.ravel(), gy.ravel()]))).reshape(gx.shape)
    from matplotlib.colors import ListedColormap

    cmap = ListedColormap(class_colors(num_classes))
    ax.imshow(labels, origin="lower", extent=(x0, x1, y0, y1), cmap=cmap, vmin=-0.5,
              vmax=num_classes - 0.5, alpha=0.3, interpolation="nearest", aspect="auto")
    scatter_classes(X, y, ax=ax, num_classes=num_classes)
    ax.set(xlim=(x0, x1), ylim=(y0, y1))
    return ax


def show_images(images, titles=None, ncols=8, fig=None, cmap="gray_r", size=1.1, vmin=None,
                vmax=None):
    """A grid of images (N, H, W) or (N, H, W, 3), each with an optional title."""
    images = np.asarray(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"images must be (N, H, W) or (N, H, W, 3), got shape {images.shape}")
    n = len(images)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig = _figure(fig, (size * ncols, size * nrows + (0.25 * nrows if titles is not None else 0)))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i], cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=9)
    return fig


def plot_templates(W, image_shape, class_names=None, fig=None):
    """Each row of a linear classifier's W (C, D) drawn as an image of image_shape: its template."""
    W = np.asarray(W)
    if W.ndim != 2 or int(np.prod(image_shape)) != W.shape[1]:
        raise ValueError(f"W must be (C, D) with D = prod(image_shape) = {int(np.prod(image_shape))}, "
                         f"got {W.shape}")
    names = class_names if class_names is not None else [str(c) for c in range(len(W))]
    limit = np.abs(W).max()
    return show_images(W.reshape(-1, *image_shape), titles=names, ncols=min(10, len(W)), fig=fig,
                       cmap="RdBu_r", vmin=-limit, vmax=limit, size=1.2)


def plot_cross_validation(results, ax=None, xlabel="k"):
    """k-fold results {setting: [accuracy per fold]}: each fold a point, a line through the means,
    bars for one standard deviation (the deck's picture)."""
    ax = _axes(ax)
    keys = list(results)
    for key in keys:
        accs = np.asarray(results[key])
        ax.scatter([key] * len(accs), accs, s=14, color=PALETTE[8], zorder=2)
    means = np.array([np.mean(results[k]) for k in keys])
    stds = np.array([np.std(results[k]) for k in keys])
    ax.errorbar(keys, means, yerr=stds, color=PALETTE[0], capsize=4, marker="o", zorder=3,
                label="mean ± std")
    ax.set(xlabel=xlabel, ylabel="validation accuracy", title=f"{len(results[keys[0]])}-fold cross-validation")
    ax.legend(loc="lower left")
    return ax
