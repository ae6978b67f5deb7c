"""Offline datasets: scikit-learn's bundled digits and photographs, and small generated 2-D sets.

Nothing here touches the network: the digits (1,797 real 8x8 images, 16 grey levels) and
the two sample photographs ship inside scikit-learn. Introduced in the chapter on image
classification.
"""

import numpy as np

DIGIT_CLASSES = [str(d) for d in range(10)]


def _check_fraction(name, value):
    if not 0 < value < 1:
        raise ValueError(f"{name} must be a fraction between 0 and 1, got {value}")


def load_digits_split(test_size=0.2, seed=0):
    """The digits as flat float64 rows, split into a stratified train and test set.

    Returns X_train: (N_train, 64), X_test: (N_test, 64) with pixel values 0..16,
    y_train: (N_train,), y_test: (N_test,) with labels 0..9.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    _check_fraction("test_size", test_size)
    digits = load_digits()
    X, y = digits.data.astype(np.float64), digits.target.astype(np.int64)
    return tuple(train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y))


def load_digit_images():
    """All 1,797 digits as images: (N, 8, 8) float64 in 0..16, and labels (N,)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    return digits.images.astype(np.float64), digits.target.astype(np.int64)


def load_photo(name="china"):
    """One of scikit-learn's two sample photographs, "china" or "flower": (427, 640, 3) floats in [0, 1]."""
    from sklearn.datasets import load_sample_image

    if name not in ("china", "flower"):
        raise ValueError(f"name must be 'china' or 'flower', got {name!r}")
    return load_sample_image(f"{name}.jpg").astype(np.float64) / 255.0


def make_blobs2d(n_per_class=50, num_classes=3, spread=0.35, seed=0):
    """Gaussian blobs around points on a circle: X (N, 2), y (N,) with labels 0..num_classes-1."""
    if n_per_class < 1 or num_classes < 2:
        raise ValueError(f"need n_per_class >= 1 and num_classes >= 2, got {n_per_class}, {num_classes}")
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(num_classes) / num_classes + np.pi / 2
    centers = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    X = np.concatenate([c + spread * rng.standard_normal((n_per_class, 2)) for c in centers])
    y = np.repeat(np.arange(num_classes), n_per_class)
    return X, y


def make_xor(n=200, noise=0.25, seed=0):
    """Four clusters at the corners of a square; label 1 where exactly one coordinate is positive."""
    if n < 4:
        raise ValueError(f"n must be at least 4, got {n}")
    rng = np.random.default_rng(seed)
    corners = rng.integers(0, 2, size=(n, 2))
    X = (2.0 * corners - 1.0) + noise * rng.standard_normal((n, 2))
    y = np.logical_xor(corners[:, 0], corners[:, 1]).astype(np.int64)
    return X, y


def make_spirals(n_per_class=100, num_classes=3, noise=0.2, seed=0):
    """Interleaved spiral arms, one per class (cs231n's toy set): X (N, 2) in about [-1, 1]^2, y (N,)."""
    if n_per_class < 1 or num_classes < 2:
        raise ValueError(f"need n_per_class >= 1 and num_classes >= 2, got {n_per_class}, {num_classes}")
    rng = np.random.default_rng(seed)
    r = np.tile(np.linspace(0.0, 1.0, n_per_class), num_classes)
    k = np.repeat(np.arange(num_classes), n_per_class)
    t = 4.0 * r + 2 * np.pi * k / num_classes + noise * rng.standard_normal(r.size)
    return np.stack([r * np.sin(t), r * np.cos(t)], axis=1), k.astype(np.int64)


def web_demo_points():
    """The nine 2-D points of three classes in the classic linear-classifier web demo the decks cite.

    Returns X (9, 2), y (9,), and the parameters W (3, 2), b (3,) shown beside them in the deck.
    """
    X = np.array([[0.5, 0.4], [0.8, 0.3], [0.3, 0.8], [-0.4, 0.3], [-0.3, 0.7], [-0.7, 0.2],
                  [0.7, -0.4], [0.5, -0.6], [-0.4, -0.5]])
    y = np.repeat(np.arange(3), 3)
    W = np.array([[2.3, 2.0], [2.0, -4.0], [3.0, -1.0]])
    b = np.array([0.0, 0.5, -0.5])
    return X, y, W, b


def minibatches(X, y, batch_size, rng=None, shuffle=True):
    """Yield (X_batch, y_batch) pairs that cover the data once (one epoch)."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y differ in length: {len(X)} and {len(y)}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = np.arange(len(X))
    if shuffle:
        (rng if rng is not None else np.random.default_rng()).shuffle(order)
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]
