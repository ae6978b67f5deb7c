"""Hand-crafted image features for the classic pipeline: HOG, and k-means of whitened patches.

The classic recognition pipeline computes a designed feature vector from each image and hands
it to an off-the-shelf trainable classifier (here a linear one). This module holds two
such designs, both written out in numpy so that every step can be read:

- hog: histograms of oriented gradients (Dalal and Triggs, 2005), designed by hand entirely;
- KMeansFeatures: a dictionary of patches learned by k-means, without labels, from whitened
  patches, and a fixed encoding and pooling around it (Coates, Ng and Lee, 2011).

Images are (N, H, W) arrays of grey levels, any scale (the digits of lib.data in [0, 1]).
Introduced in the chapter on linear classifiers.
"""

import numpy as np

from lib._checks import integer, positive


def _check_images(images, name="images", min_size=1):
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 3 or min(images.shape[1:]) < min_size:
        raise ValueError(f"{name} must be grey images (N, H, W) with H, W >= {min_size}, "
                         f"got shape {images.shape}")
    if not np.all(np.isfinite(images)):
        raise ValueError(f"{name} must hold finite numbers")
    return images


# --- Histograms of oriented gradients ------------------------------------------------------


def image_gradients(images):
    """Central differences of images (N, H, W) -> gx, gy: (N, H, W) each, grey levels per pixel.

    gx = (I[r, c+1] - I[r, c-1]) / 2 along a row (rightwards), gy = (I[r+1, c] - I[r-1, c]) / 2
    down a column: the [-1, 0, 1] mask that Dalal and Triggs found best, halved. At the border
    the image is extended by repeating its edge pixels, so a constant image has no gradient.
    """
    images = _check_images(images)
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)), mode="edge")
    gx = (padded[:, 1:-1, 2:] - padded[:, 1:-1, :-2]) / 2
    gy = (padded[:, 2:, 1:-1] - padded[:, :-2, 1:-1]) / 2
    return gx, gy


def gradient_orientations(images):
    """Gradient magnitude and unsigned orientation of images (N, H, W) -> two arrays (N, H, W).

    The orientation is in degrees, in [0, 180), measured counter-clockwise from the x-axis as
    the picture is seen (rows grow downwards, hence the minus sign on gy): 0 for a vertical
    edge (a horizontal gradient), 90 for a horizontal one. Unsigned: a dark-to-bright and a
    bright-to-dark edge of the same direction get the same angle (theta and theta + 180 agree).
    """
    gx, gy = image_gradients(images)
    magnitude = np.hypot(gx, gy)
    angle = np.degrees(np.arctan2(-gy, gx)) % 180.0
    return magnitude, np.where(angle >= 180.0, 0.0, angle)  # -1e-17 % 180 rounds to 180.0


def cell_histograms(images, cell=2, bins=9):
    """Orientation histograms of images (N, H, W), one per cell of cell x cell pixels.

    Returns (N, H // cell, W // cell, bins); H and W must be multiples of cell. Bin k is centred
    on k * 180 / bins degrees (bin 0: vertical edges). Each pixel votes with its gradient
    magnitude, split by linear interpolation between the two nearest bin centres (an angle of
    10 degrees with bins=9 gives half its vote to 0 and half to 20; 170 shares with 0, as the
    orientations wrap around). There is no interpolation between neighbouring cells: a pixel
    votes in its own cell only.
    """
    images = _check_images(images)
    cell, bins = integer("cell", cell, 1), integer("bins", bins, 2)
    N, H, W = images.shape
    if H % cell or W % cell:
        raise ValueError(f"the image size ({H}, {W}) must be a multiple of cell = {cell}")
    magnitude, angle = gradient_orientations(images)
    position = angle / (180.0 / bins)  # in bin widths, in [0, bins)
    lower = np.floor(position).astype(np.int64)
    upper_share = position - lower
    votes = np.zeros((N, H, W, bins))
    n, r, c = np.indices((N, H, W))
    np.add.at(votes, (n, r, c, lower % bins), magnitude * (1 - upper_share))
    np.add.at(votes, (n, r, c, (lower + 1) % bins), magnitude * upper_share)
    return votes.reshape(N, H // cell, cell, W // cell, cell, bins).sum(axis=(2, 4))


def hog(images, cell=2, block=2, bins=9, eps=1e-6):
    """Histograms of oriented gradients (Dalal and Triggs, 2005): images (N, H, W) -> (N, D).

    1. gradients by central differences, their magnitude and unsigned orientation;
    2. a histogram of orientations per cell of cell x cell pixels, votes weighted by magnitude
       and split linearly between the two nearest of `bins` bins (cell_histograms);
    3. blocks of block x block cells, overlapping with a stride of one cell, each block's
       block * block * bins numbers divided by their L2 norm, v / sqrt(||v||^2 + eps^2);
    4. all blocks' vectors concatenated, blocks row by row, each block's cells row by row:
       D = (H/cell - block + 1) (W/cell - block + 1) block^2 bins.

    Normalisation is plain L2 (not L2-Hys, which also clips at 0.2 and normalises again): adding
    a constant to the image changes no gradient, and multiplying it by one scales every block's
    vector, which the division undoes (up to eps). The defaults suit the 8x8
    digits. Dalal and Triggs's cells of 8x8 pixels are an eighth of their 64-pixel-wide window;
    on an 8x8 digit that proportion would leave one pixel per cell, no histogram at all. Cells of
    2x2 pixels (4 votes each) keep a 4x4 grid of positions, and blocks of 2x2 cells give 3x3
    overlapping blocks and D = 324. With cell=4 a single block covers the digit (D = 36): the
    features then say which directions the strokes take in each quarter of the image, and
    nothing finer about where.
    """
    cells = cell_histograms(images, cell, bins)
    block = integer("block", block, 1)
    _, rows, cols, _ = cells.shape
    if block > min(rows, cols):
        raise ValueError(f"block must be at most {min(rows, cols)} cells for images of {rows}x{cols} "
                         f"cells, got {block}")
    eps = positive("eps", eps)
    windows = np.lib.stride_tricks.sliding_window_view(cells, (block, block), axis=(1, 2))
    windows = np.moveaxis(windows, 3, 5)  # (N, block row, block column, r, c, bins)
    blocks = windows.reshape(len(cells), (rows - block + 1) * (cols - block + 1), -1)
    blocks = blocks / np.sqrt(np.sum(blocks**2, axis=2, keepdims=True) + eps**2)
    return blocks.reshape(len(cells), -1)


# --- k-means features of whitened patches (Coates, Ng and Lee, 2011) ------------------------


def extract_patches(images, patch):
    """Every patch x patch window of images (N, H, W), at stride 1.

    Returns (N, H - patch + 1, W - patch + 1, patch * patch): one flat patch per position.
    """
    images = _check_images(images)
    patch = integer("patch", patch, 1)
    if patch > min(images.shape[1:]):
        raise ValueError(f"patch must be at most {min(images.shape[1:])} pixels, got {patch}")
    windows = np.lib.stride_tricks.sliding_window_view(images, (patch, patch), axis=(1, 2))
    return windows.reshape(*windows.shape[:3], patch * patch)


def normalize_patches(patches, eps=0.01):
    """Each flat patch (..., P) minus its mean, divided by sqrt(its variance + eps).

    Brightness and contrast no longer matter. eps (in squared grey levels; 0.01 for pixels in
    [0, 1], a standard deviation of 0.1) keeps near-blank patches from being blown up to full
    contrast: a blank patch stays 0.
    """
    patches = np.asarray(patches, dtype=np.float64)
    eps = positive("eps", eps)
    centred = patches - patches.mean(axis=-1, keepdims=True)
    return centred / np.sqrt(centred.var(axis=-1, keepdims=True) + eps)


def zca_whitening(patches, eps=0.1):
    """The ZCA whitening of patches (M, P): their mean (P,) and a matrix (P, P).

    With the covariance U diag(lambda) U^T of the patches, the matrix is
    U diag(1 / sqrt(lambda + eps)) U^T; (x - mean) @ matrix has (nearly) the identity as its
    covariance while staying as close to x as a whitening can (it rotates back to pixel space).
    eps = 0.1, Coates et al.'s value for normalised patches, damps the directions of smallest
    variance, which would otherwise amplify noise the most.
    """
    patches = np.asarray(patches, dtype=np.float64)
    if patches.ndim != 2 or len(patches) < 2:
        raise ValueError(f"patches must be (M, P) with M >= 2, got shape {patches.shape}")
    eps = positive("eps", eps)
    mean = patches.mean(axis=0)
    eigenvalues, U = np.linalg.eigh(np.cov(patches - mean, rowvar=False))
    return mean, (U / np.sqrt(np.maximum(eigenvalues, 0.0) + eps)) @ U.T


def triangle_activations(patches, centroids):
    """Coates et al.'s "triangle" encoding: patches (..., P), centroids (K, P) -> (..., K).

    With z_k the distance of a patch to centroid k and mean(z) the mean over k, feature k is
    max(0, mean(z) - z_k): positive for the centroids closer than average, zero for the rest,
    so about half of the K numbers are zero.
    """
    patches, centroids = np.asarray(patches, dtype=np.float64), np.asarray(centroids, dtype=np.float64)
    if centroids.ndim != 2 or patches.shape[-1] != centroids.shape[1]:
        raise ValueError(f"need patches (..., P) and centroids (K, P), got {patches.shape} and "
                         f"{centroids.shape}")
    squared = (np.sum(patches**2, axis=-1, keepdims=True) - 2 * patches @ centroids.T
               + np.sum(centroids**2, axis=1))
    z = np.sqrt(np.maximum(squared, 0.0))
    return np.maximum(0.0, z.mean(axis=-1, keepdims=True) - z)


def quadrant_sums(maps):
    """Sum pooling of maps (N, R, C, K) over the four quadrants -> (N, 4 K).

    The rows split into the first ceil(R / 2) and the rest, the columns likewise; the output
    holds top-left, top-right, bottom-left, bottom-right, each K numbers.
    """
    maps = np.asarray(maps, dtype=np.float64)
    if maps.ndim != 4 or min(maps.shape[1:3]) < 2:
        raise ValueError(f"maps must be (N, R, C, K) with R, C >= 2, got shape {maps.shape}")
    r, c = -(-maps.shape[1] // 2), -(-maps.shape[2] // 2)
    quadrants = [maps[:, :r, :c], maps[:, :r, c:], maps[:, r:, :c], maps[:, r:, c:]]
    return np.concatenate([q.sum(axis=(1, 2)) for q in quadrants], axis=1)


class KMeansFeatures:
    """Features from k-means of whitened patches (Coates, Ng and Lee, 2011), for images (N, H, W).

    fit(images) learns, without labels: it draws num_patches random patch x patch windows from
    the images, normalises each (normalize_patches, eps_norm), ZCA-whitens them (zca_whitening,
    eps_zca) and clusters them into num_centroids centroids with scikit-learn's KMeans
    (random_state=seed, n_init restarts, the best kept). transform(images) -> (N, 4 K): every
    patch position of every image, normalised and whitened the same way, is encoded by
    triangle_activations, and the resulting maps are summed over the image's four quadrants
    (quadrant_sums). The defaults suit the 8x8 digits: 3x3 patches give a 6x6 map, whose
    quadrants are 3x3 positions each, and 50 centroids give 200 features. (Coates et al. used
    6x6 colour patches and up to 4,000 centroids on CIFAR-10's 32x32 images.)

    After fit: centroids_ (K, patch * patch) in whitened space, counts_ (K,) the number of
    sampled patches nearest to each, mean_ and whiten_ (the ZCA).
    """

    def __init__(self, num_centroids=50, patch=3, num_patches=5000, eps_norm=0.01, eps_zca=0.1,
                 n_init=3, seed=0):
        self.num_centroids = integer("num_centroids", num_centroids, 1)
        self.patch = integer("patch", patch, 1)
        self.num_patches = integer("num_patches", num_patches, 2)
        self.eps_norm = positive("eps_norm", eps_norm)
        self.eps_zca = positive("eps_zca", eps_zca)
        self.n_init = integer("n_init", n_init, 1)
        self.seed = seed
        if self.num_patches < self.num_centroids:
            raise ValueError(f"num_patches must be at least num_centroids = {self.num_centroids}, "
                             f"got {self.num_patches}")

    def _whitened(self, patches):
        return (normalize_patches(patches, self.eps_norm) - self.mean_) @ self.whiten_

    def fit(self, images):
        """Learn the whitening and the centroids from random patches of images (N, H, W); returns self."""
        from sklearn.cluster import KMeans
        from threadpoolctl import threadpool_limits

        patches = extract_patches(images, self.patch)
        N, R, C, P = patches.shape
        rng = np.random.default_rng(self.seed)
        picks = rng.integers(0, [N, R, C], size=(self.num_patches, 3))
        sample = normalize_patches(patches[picks[:, 0], picks[:, 1], picks[:, 2]], self.eps_norm)
        self.mean_, self.whiten_ = zca_whitening(sample, self.eps_zca)
        kmeans = KMeans(n_clusters=self.num_centroids, n_init=self.n_init, random_state=self.seed)
        with threadpool_limits(1):  # a few thousand 9-number points: threads would only wait on each other
            kmeans.fit((sample - self.mean_) @ self.whiten_)
        self.centroids_ = kmeans.cluster_centers_
        self.counts_ = np.bincount(kmeans.labels_, minlength=self.num_centroids)
        return self

    def transform(self, images):
        """Features (N, 4 K) of images (N, H, W): triangle activations summed over quadrants."""
        if not hasattr(self, "centroids_"):
            raise ValueError("KMeansFeatures must be fitted first: call fit(images)")
        patches = extract_patches(images, self.patch)
        if patches.shape[-1] != self.centroids_.shape[1]:
            raise ValueError("images give patches unlike the fitted ones")
        if min(patches.shape[1:3]) < 2:
            raise ValueError(f"images must be at least {self.patch + 1} pixels wide and high")
        return quadrant_sums(triangle_activations(self._whitened(patches), self.centroids_))

    def fit_transform(self, images):
        """fit(images), then transform(images)."""
        return self.fit(images).transform(images)


def standardize(F_train, *others, eps=0.01):
    """Features (N, D) shifted and scaled column by column with the training set's statistics.

    Returns (F_train - mean) / sqrt(var + eps) and the same for each array of others (M, D), with
    mean and var (D,) those of F_train: no test image informs them. eps = 0.01 (Coates et al.'s
    value) keeps a feature that hardly ever varies from being magnified without bound.
    """
    F_train = np.asarray(F_train, dtype=np.float64)
    if F_train.ndim != 2 or len(F_train) < 2:
        raise ValueError(f"F_train must be (N, D) with N >= 2, got shape {F_train.shape}")
    eps = positive("eps", eps)
    mean, scale = F_train.mean(axis=0), np.sqrt(F_train.var(axis=0) + eps)
    out = [(F_train - mean) / scale]
    for k, F in enumerate(others):
        F = np.asarray(F, dtype=np.float64)
        if F.ndim != 2 or F.shape[1] != F_train.shape[1]:
            raise ValueError(f"others[{k}] must be (M, {F_train.shape[1]}) like F_train, got shape {F.shape}")
        out.append((F - mean) / scale)
    return tuple(out)
