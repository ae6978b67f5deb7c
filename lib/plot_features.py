"""Pictures of hand-crafted features (lib.features): gradients, HOG glyphs, k-means patches.

Introduced in the chapter on linear classifiers, with the classic recognition pipeline.
"""

import numpy as np

from lib.plot import PALETTE, axes_or_new, show_images


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
