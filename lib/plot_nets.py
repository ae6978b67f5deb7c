"""Pictures of networks: filters, feature maps, training curves, confusion matrices, complexity.

The companion of lib.plot (which holds the pictures of the earlier chapters) for the chapters
on convolutional networks, LeNet-5 and AlexNet. Each function draws on the figure or axes it
is given, or a new one.
"""

import numpy as np

from lib.plot import show_images


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
