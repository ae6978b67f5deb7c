"""Pictures of linear classifiers: class lines with their weight vectors, the score equation
s = Wx + b drawn as numbers, and the binary SVM's margin.

Introduced in the chapters on linear classifiers (plot_class_lines, plot_score_equation) and on
loss functions (plot_svm_margin).
"""

import numpy as np

from lib.plot import PALETTE, axes_or_new, class_colors, scatter_classes
from lib.style import SMALL


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


def plot_svm_margin(X, y, w, b, ax=None, extent=None, support=None, title=None):
    """A binary linear classifier w: (D = 2,), b as the SVM sees it, on its data X: (N, 2), y: (N,) in {0, 1}.

    Draws the points (class 1 on the side where w.x + b > 0), the separating line w.x + b = 0
    (solid), the margin lines w.x + b = +-1 (dashed), the support vectors circled (the indices
    `support`, by default lib.linear.support_vectors), and the margin's width 2 / ||w|| as a
    double arrow across it. extent: (xmin, xmax, ymin, ymax), by default the data's range plus
    0.3; the axes have equal scales, so the arrow is perpendicular to the lines as drawn.
    Introduced in the chapter on loss functions.
    """
    from lib.linear import margin_width, support_vectors

    # Longer than 40 lines: one picture with five parts (points, three lines, circles, arrow),
    # clearest read top to bottom.
    ax = axes_or_new(ax)
    X, y, w = np.asarray(X, dtype=float), np.asarray(y), np.asarray(w, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or w.shape != (2,):
        raise ValueError(f"need X of shape (N, 2) and w of shape (2,), got {X.shape} and {w.shape}")
    width = margin_width(w)
    support = support_vectors(X, y, w, b) if support is None else np.asarray(support, dtype=int)
    if extent is None:
        (x0, y0), (x1, y1) = X.min(axis=0) - 0.3, X.max(axis=0) + 0.3
    else:
        x0, x1, y0, y1 = extent
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    unit = w / np.linalg.norm(w)
    along = np.array([-unit[1], unit[0]])  # the line's direction
    reach = 10 * (x1 - x0 + y1 - y0)
    foot = centre - (w @ centre + b) / (w @ w) * w  # the separating line's point nearest the centre
    # The arrow goes where the line is farthest from every point, inside the middle 80% of the view.
    candidates = foot + np.outer(np.linspace(-reach, reach, 4001) / 10, along)
    low, high = np.array([x0, y0]), np.array([x1, y1])
    pad = 0.1 * (high - low)
    inside = np.all((candidates > low + pad) & (candidates < high - pad), axis=1)
    if inside.any():
        candidates = candidates[inside]
        clearance = np.min(np.linalg.norm(candidates[:, None] - X[None], axis=2), axis=1)
        foot = candidates[np.argmax(clearance)]
    for level, style in [(0.0, "-"), (1.0, "--"), (-1.0, "--")]:
        point = foot + level / np.linalg.norm(w) * unit
        ends = point + np.outer([-reach, reach], along)
        ax.plot(ends[:, 0], ends[:, 1], color="black", lw=1.6 if level == 0 else 1.0, ls=style,
                label="w.x + b = 0" if level == 0 else ("w.x + b = ±1" if level > 0 else None))
    scatter_classes(X, y, ax=ax, num_classes=2)
    ax.scatter(X[support, 0], X[support, 1], s=150, facecolors="none", edgecolors="black", lw=1.2,
               zorder=4, label="support vectors")
    ax.annotate("", xy=foot + unit * width / 2, xytext=foot - unit * width / 2,
                arrowprops={"arrowstyle": "<->", "color": PALETTE[5], "lw": 1.8, "shrinkA": 0, "shrinkB": 0})
    ax.set(xlim=(x0, x1), ylim=(y0, y1), aspect="equal")
    # The width as a legend of its own, which matplotlib places where it hides the least.
    from matplotlib.lines import Line2D

    note = ax.legend([Line2D([], [], lw=0)], [f"2/‖w‖ = {width:.2f}"], loc="best", handlelength=0,
                     handletextpad=0, framealpha=0.85, borderpad=0.3)
    note.get_texts()[0].set_color(PALETTE[5])
    if title is not None:
        ax.set_title(title, fontsize=SMALL)
    return ax
