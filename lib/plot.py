"""The pictures of the chapters up to multilayer perceptrons, and what the other picture modules
share (the palette, axes_or_new, figure_or_new). Linear classifiers' pictures are in
lib.plot_linear, hand-crafted features' in lib.plot_features, computational graphs in
lib.plot_graph, networks in lib.plot_diagrams and lib.plot_nets, the figure style in lib.style.
Each function draws on the axes (or figure) it is given, or a new one.

Colours come from the Okabe-Ito palette, which reads for colour-blind readers too.
"""

import numpy as np

from lib.style import MAX_WIDTH, SMALL

# Okabe & Ito (2008): distinguishable under the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000", "#999999", "#882255"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "<", ">"]


def axes_or_new(ax):
    """ax, or new axes of a new figure when ax is None (every picture of lib draws this way)."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(5, 4), layout="constrained")
    return ax


def figure_or_new(fig, figsize):
    """fig, or a new figure of that size when fig is None."""
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
    ax = axes_or_new(ax)
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
    ax = axes_or_new(ax)
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
    size = min(size, MAX_WIDTH / ncols)  # the book's widest figure (lib.style)
    fig = figure_or_new(fig, (size * ncols, size * nrows + (0.25 * nrows if titles is not None else 0)))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i], cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=SMALL)
    return fig


def plot_templates(W, image_shape, class_names=None, fig=None, ncols=None):
    """Each row of a linear classifier's W (C, D) drawn as an image of image_shape: its template.

    ncols: templates per row (by default up to 10; fewer, more rows, leave room for titles).
    """
    W = np.asarray(W)
    if W.ndim != 2 or int(np.prod(image_shape)) != W.shape[1]:
        raise ValueError(f"W must be (C, D) with D = prod(image_shape) = {int(np.prod(image_shape))}, "
                         f"got {W.shape}")
    names = class_names if class_names is not None else [str(c) for c in range(len(W))]
    limit = np.abs(W).max()
    return show_images(W.reshape(-1, *image_shape), titles=names, ncols=ncols or min(10, len(W)),
                       fig=fig, cmap="RdBu_r", vmin=-limit, vmax=limit, size=1.2)


def plot_cross_validation(results, ax=None, xlabel="k"):
    """k-fold results {setting: [accuracy per fold]}: each fold a point, a line through the means,
    bars for one standard deviation (the deck's picture)."""
    ax = axes_or_new(ax)
    keys = list(results)
    for key in keys:
        accs = np.asarray(results[key])
        ax.scatter([key] * len(accs), accs, s=14, color=PALETTE[8], zorder=2)
    means = np.array([np.mean(results[k]) for k in keys])
    stds = np.array([np.std(results[k]) for k in keys])
    ax.errorbar(keys, means, yerr=stds, color=PALETTE[0], capsize=4, marker="o", zorder=3,
                label="mean ± std")
    num_folds = len(results[keys[0]])
    ax.set(xlabel=xlabel, ylabel="validation accuracy", title=f"{num_folds}-fold cross-validation")
    ax.legend(loc="lower left")
    return ax


def show_pixel_values(image, ax=None, fmt="{:.0f}", cmap="gray_r", vmin=None, vmax=None,
                      fontsize=SMALL):
    """A grey image (H, W) as a heatmap with each pixel's number written on it: what a computer sees.

    fmt formats each value; the text is white on dark cells and black on light ones.
    """
    ax = axes_or_new(ax)
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2:
        raise ValueError(f"image must be a grey image (H, W), got shape {image.shape}")
    lo = image.min() if vmin is None else vmin
    hi = image.max() if vmax is None else vmax
    im = ax.imshow(image, cmap=cmap, vmin=lo, vmax=hi, interpolation="nearest")
    for (r, c), value in np.ndenumerate(image):
        level = im.cmap(im.norm(value))
        dark = 0.299 * level[0] + 0.587 * level[1] + 0.114 * level[2] < 0.5
        ax.text(c, r, fmt.format(value), ha="center", va="center", fontsize=fontsize,
                color="white" if dark else "black")
    ax.set(xticks=range(image.shape[1]), yticks=range(image.shape[0]), xlabel="column",
           ylabel="row")
    ax.tick_params(labelsize=SMALL, length=0)
    return ax


def plot_trajectories(loss, trajectories, ax=None, extent=(-1.0, 1.0, -1.0, 1.0), colors=None,
                      num_levels=15, resolution=120, markersize=3):
    """Contours of a 2-D loss and optimizer paths on it (introduced in the chapter on optimizers).

    loss: a function of points (..., 2) -> (...), e.g. a lib.surfaces surface's loss.
    trajectories: {label: (T, 2) array of points}; colors: {label: colour} or a list (else PALETTE).
    Contour levels sit at quantiles of the loss over the window, so every surface shows detail;
    the axes stay on extent (xmin, xmax, ymin, ymax) even if a path runs away.
    """
    ax = axes_or_new(ax)
    if len(extent) != 4:
        raise ValueError(f"extent must be (xmin, xmax, ymin, ymax), got {extent}")
    xs = np.linspace(extent[0], extent[1], resolution)
    ys = np.linspace(extent[2], extent[3], resolution)
    Z = loss(np.stack(np.meshgrid(xs, ys), axis=-1))  # (resolution, resolution)
    levels = np.unique(np.quantile(Z, np.linspace(0, 1, num_levels + 2)[1:-1]))
    ax.contour(xs, ys, Z, levels=levels, colors="#999999", linewidths=0.7)
    if not isinstance(colors, dict):
        colors = dict(zip(trajectories, colors or PALETTE * 3, strict=False))
    for label, path in trajectories.items():
        path = np.asarray(path, dtype=np.float64)
        if path.ndim != 2 or path.shape[1] != 2:
            raise ValueError(f"trajectories[{label!r}] must be (T, 2), got shape {path.shape}")
        ax.plot(path[:, 0], path[:, 1], "-o", color=colors[label], ms=markersize, lw=1.2, label=label)
        ax.plot(*path[0], "s", color=colors[label], ms=markersize + 3)
    ax.set(xlim=extent[:2], ylim=extent[2:], xlabel="w[0]", ylabel="w[1]", aspect="equal")
    return ax


def plot_layer_norms(norms, ax=None, colors=None, ylim=None, ylabel="gradient norm ||dL/dW||"):
    """One value per layer, for several nets, on a log axis (introduced in the chapter on activations).

    norms: {label: (L,) array}, e.g. lib.activations.layer_gradient_norms of each net; layer
    1 is the one next to the input. colors: {label: colour} or a list (else PALETTE).
    """
    ax = axes_or_new(ax)
    if not isinstance(colors, dict):
        colors = dict(zip(norms, colors or PALETTE * 3, strict=False))
    for (label, values), marker in zip(norms.items(), MARKERS * 3, strict=False):
        values = np.asarray(values, dtype=np.float64)
        if values.ndim != 1:
            raise ValueError(f"norms[{label!r}] must be (L,), got shape {values.shape}")
        ax.plot(np.arange(1, len(values) + 1), values, "-" + marker, color=colors[label], ms=5,
                label=label)
    ax.set(yscale="log", xlabel="layer (1 = next to the input)", ylabel=ylabel)
    if ylim is not None:
        ax.set_ylim(ylim)
    return ax
