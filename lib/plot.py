"""The pictures of the chapters up to multilayer perceptrons (the networks' pictures are in
lib.plot_nets, computational graphs in lib.plot_graph, the figure style in lib.style). Each
function draws on the axes (or figure) it is given, or a new one (axes_or_new, figure_or_new).

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


def plot_class_lines(W, b, ax=None, extent=(-1.0, 1.0, -1.0, 1.0), arrow_length=0.25):
    """For each row of a 2-D linear classifier W: (C, 2), b: (C,), the line w_c.x + b_c = 0
    (where class c's score is zero) and an arrow along w_c (the way its score grows)."""
    ax = axes_or_new(ax)
    W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    if W.ndim != 2 or W.shape[1] != 2 or b.shape != (len(W),):
        raise ValueError(f"need W of shape (C, 2) and b of shape (C,), got {W.shape} and {b.shape}")
    x0, x1, y0, y1 = extent
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    for w, bc, color in zip(W, b, class_colors(len(W)), strict=True):
        norm = np.linalg.norm(w)
        if norm == 0:
            continue
        # The line's point nearest the centre, and the line's direction (w turned by 90 degrees).
        foot = centre - (w @ centre + bc) / norm**2 * w
        along = np.array([-w[1], w[0]]) / norm
        ends = foot + np.outer([-10 * (x1 - x0 + y1 - y0), 10 * (x1 - x0 + y1 - y0)], along)
        ax.plot(ends[:, 0], ends[:, 1], color=color, lw=2)
        ax.annotate("", xy=foot + arrow_length * w / norm, xytext=foot,
                    arrowprops={"arrowstyle": "-|>", "color": color, "lw": 2})
    ax.set(xlim=(x0, x1), ylim=(y0, y1))
    return ax


def _cells(ax, values, left, colors, fmt="{:g}", label="", centre=0.0, width=1.0):
    """A grid of numbered cells, values (R, K), centred vertically on y = centre, left edge at left,
    each cell width wide and 1 high. colors: one colour per row, or a nested list (R, K) of colours."""
    from matplotlib.patches import Rectangle

    values = np.atleast_2d(values)
    R, K = values.shape
    top = centre + R / 2
    for r in range(R):
        for k in range(K):
            color = colors[r][k] if isinstance(colors[r], list) else colors[r]
            ax.add_patch(Rectangle((left + k * width, top - r - 1), width, 1, facecolor=color,
                                   edgecolor="black", lw=0.8, alpha=0.55))
            ax.text(left + (k + 0.5) * width, top - r - 0.5, fmt.format(values[r, k]), ha="center",
                    va="center", fontsize=SMALL)
    ax.text(left + K * width / 2, top + 0.3, label, ha="center", va="bottom", fontsize=SMALL)
    return left + K * width


def plot_score_equation(W, x, b, class_names=None, image_shape=None, ax=None):
    """The algebraic picture of a linear classifier: W x + b = scores, every number shown.

    W: (C, D), x: (D,) the stretched image, b: (C,); image_shape (H, W) also draws x as an image,
    above x, with an arrow down to x ("stretch"): two levels, so the picture stays narrow.
    """
    import matplotlib as mpl

    ax = axes_or_new(ax)
    W, x, b = np.asarray(W, dtype=float), np.asarray(x, dtype=float), np.asarray(b, dtype=float)
    if W.ndim != 2 or x.shape != (W.shape[1],) or b.shape != (len(W),):
        raise ValueError(f"need W (C, D), x (D,), b (C,), got {W.shape}, {x.shape}, {b.shape}")
    greys = [mpl.colormaps["gray"](0.35 + 0.65 * v / (np.abs(x).max() or 1)) for v in np.abs(x)]
    rows = class_colors(len(W))
    x_left = _cells(ax, W, 0.0, rows, label="W") + 0.3
    left = _cells(ax, x[:, None], x_left, greys, label="x") + 0.1
    ax.text(left + 0.35, 0, "+", ha="center", va="center", fontsize=16)
    left = _cells(ax, b[:, None], left + 0.7, rows, label="b") + 0.1
    ax.text(left + 0.35, 0, "=", ha="center", va="center", fontsize=16)
    left = _cells(ax, (W @ x + b)[:, None], left + 0.7, rows, fmt="{:.2f}", label="scores", width=1.7)
    names = class_names if class_names is not None else [f"class {c}" for c in range(len(W))]
    for c, name in enumerate(names):
        ax.text(left + 0.15, len(W) / 2 - c - 0.5, name, va="center", fontsize=SMALL)
    half = max(len(x), len(W)) / 2
    top = half + 0.9
    if image_shape is not None:
        H, K = image_shape
        image_colors = [greys[r * K:(r + 1) * K] for r in range(H)]
        above_x, arrow = len(x) / 2 + 0.9, 1.2  # the top of x's label; the arrow's length
        centre, middle = above_x + arrow + H / 2, x_left + 0.5
        _cells(ax, x.reshape(H, K), middle - K / 2, image_colors, label="input image", centre=centre)
        ax.annotate("", xy=(middle, above_x), xytext=(middle, above_x + arrow - 0.1),
                    arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.2})
        ax.text(middle + 0.25, above_x + arrow / 2 - 0.05, "stretch", va="center", fontsize=SMALL)
        top = centre + H / 2 + 0.9
    ax.set(xlim=(-0.2, left + 1.6), ylim=(-half - 0.3, top), aspect="equal")
    ax.axis("off")
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


def plot_gradients(image, ax=None, color=PALETTE[5], cmap="gray_r"):
    """A grey image (H, W) with its gradient drawn as an arrow at every pixel (introduced in the
    chapter on linear classifiers, with lib.features).

    The arrows are lib.features.image_gradients (gx rightwards, gy downwards, as the picture is
    seen), all on one scale: the longest is 0.9 pixels long. They point the way the pixel values
    grow: towards the ink of a digit, which the default grey map draws dark.
    """
    from lib.features import image_gradients

    ax = axes_or_new(ax)
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2:
        raise ValueError(f"image must be a grey image (H, W), got shape {image.shape}")
    gx, gy = (g[0] for g in image_gradients(image[None]))
    longest = np.hypot(gx, gy).max() or 1.0
    ax.imshow(image, cmap=cmap, interpolation="nearest", alpha=0.6)
    rows, cols = np.indices(image.shape)
    ax.quiver(cols, rows, gx, gy, color=color, angles="xy", scale_units="xy", scale=longest / 0.9,
              width=0.012, pivot="middle")
    _framed(ax)
    return ax


def plot_hog(image, cell=2, bins=9, ax=None, color=PALETTE[5], cmap="gray_r"):
    """HOG's view of a grey image (H, W): in each cell one line per orientation bin, through the
    cell's centre (introduced in the chapter on linear classifiers, with lib.features).

    A bin's line runs along the edges it counts, perpendicular to its gradient orientation (the
    bin of 0 degrees, horizontal gradients, draws a vertical line), and its length is the bin's
    weight in lib.features.cell_histograms (before block normalisation), the largest of the
    image a cell wide. The image is drawn faintly underneath.
    """
    from lib.features import cell_histograms

    ax = axes_or_new(ax)
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2:
        raise ValueError(f"image must be a grey image (H, W), got shape {image.shape}")
    histograms = cell_histograms(image[None], cell, bins)[0]  # (H / cell, W / cell, bins)
    edge = np.radians(np.arange(bins) * 180.0 / bins + 90.0)  # each bin's edge direction
    half = 0.5 * cell * histograms / (histograms.max() or 1.0)
    ax.imshow(image, cmap=cmap, interpolation="nearest", alpha=0.35)
    for (r, c, k), length in np.ndenumerate(half):
        if length > 1e-3 * cell:  # rounding errors draw no line
            y, x = r * cell + (cell - 1) / 2, c * cell + (cell - 1) / 2
            dx, dy = length * np.cos(edge[k]), -length * np.sin(edge[k])  # rows grow downwards
            ax.plot([x - dx, x + dx], [y - dy, y + dy], color=color, lw=1.6, solid_capstyle="round")
    for boundary in np.arange(cell, max(image.shape), cell) - 0.5:
        ax.axhline(boundary, color=PALETTE[8], lw=0.6)
        ax.axvline(boundary, color=PALETTE[8], lw=0.6)
    ax.set(xlim=(-0.5, image.shape[1] - 0.5), ylim=(image.shape[0] - 0.5, -0.5))
    _framed(ax)
    return ax


def _framed(ax):
    """An image's axes without ticks, in a thin frame on all four sides."""
    ax.set(xticks=[], yticks=[])
    for spine in ax.spines.values():
        spine.set(visible=True, linewidth=0.6, color=PALETTE[8])


def plot_patches(patches, shape, ncols=10, fig=None, titles=None):
    """Flat patches (K, h * w), e.g. k-means centroids, drawn as h x w images of shape (h, w).

    One symmetric colour scale for all (red positive, blue negative, white zero), which
    saturates at the median over the patches of their largest absolute value: a typical patch
    uses the whole scale, a rare extreme one does not wash the others out, and a nearly blank
    one shows nearly white.
    """
    patches = np.asarray(patches, dtype=np.float64)
    if patches.ndim != 2 or patches.shape[1] != int(np.prod(shape)):
        raise ValueError(f"patches must be (K, {int(np.prod(shape))}) for shape {tuple(shape)}, "
                         f"got {patches.shape}")
    limit = float(np.median(np.abs(patches).max(axis=1))) or 1.0
    return show_images(patches.reshape(-1, *shape), titles=titles, ncols=ncols, fig=fig, cmap="RdBu_r",
                       vmin=-limit, vmax=limit, size=0.6)
