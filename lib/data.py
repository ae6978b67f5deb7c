"""Offline datasets: scikit-learn's bundled digits and photographs, and small generated 2-D sets.

Nothing here touches the network unless asked: the digits (1,797 real 8x8 images, 16 grey
levels) and the two sample photographs ship inside scikit-learn; only the opt-in full MNIST and
CIFAR-10 (at the end) are downloaded, once, when a reader calls for them. Introduced in the
chapter on image classification.
"""

import numpy as np

from lib._checks import integer

DIGIT_CLASSES = [str(d) for d in range(10)]


def _check_fraction(name, value):
    if not 0 < value < 1:
        raise ValueError(f"{name} must be a fraction between 0 and 1, got {value}")


def load_digits_split(test_size=0.2, seed=0, unit=False):
    """The digits as flat float64 rows, split into a stratified train and test set.

    Returns X_train: (N_train, 64), y_train: (N_train,), X_test: (N_test, 64), y_test: (N_test,)
    (the order of load_mnist and load_cifar10), with labels 0..9 and pixel values 0..16, or,
    with unit=True, the same divided by 16: pixels in [0, 1], as networks want them.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    _check_fraction("test_size", test_size)
    digits = load_digits()
    X, y = digits.data.astype(np.float64), digits.target.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, random_state=seed,
                                                        stratify=y)
    if unit:
        X_train, X_test = X_train / 16.0, X_test / 16.0
    return X_train, y_train, X_test, y_test


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


def spirals_train_val(n_train=30, n_val=60, num_classes=3, noise=0.4, seed=0):
    """Spiral arms split into a small training set and a separate validation set: a net overfits it.

    One draw of make_spirals(n_train + n_val, num_classes, noise, seed), whose points of each class
    are shuffled and split, n_train of each class for training and n_val for validation. Returns
    X_train (C n_train, 2), y_train, X_val (C n_val, 2), y_val. The default set of lib/js/training.js
    (the chapter on training in practice).
    """
    n_train, n_val = integer("n_train", n_train, 1), integer("n_val", n_val, 1)
    X, y = make_spirals(n_train + n_val, num_classes, noise, seed)
    rng = np.random.default_rng(seed)
    train = np.zeros(len(y), dtype=bool)
    for k in range(num_classes):
        train[rng.permutation(np.flatnonzero(y == k))[:n_train]] = True
    return X[train], y[train], X[~train], y[~train]


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


def upsample_digits(X, size=28):
    """Digits as network inputs: flat rows X (N, 64) in 0..16 -> float32 images (N, 1, size, size) in [0, 1].

    Bilinear resampling brings the 8x8 digits to the 28x28 input LeNet-5 was built for.
    Introduced in the chapter on convolutional networks.
    """
    from scipy.ndimage import zoom

    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 64:
        raise ValueError(f"X must be flat 8x8 digits of shape (N, 64), got {X.shape}")
    if int(size) < 8:
        raise ValueError(f"size must be at least 8, got {size}")
    images = zoom(X.reshape(-1, 8, 8) / 16.0, (1, size / 8, size / 8), order=1, grid_mode=True,
                  mode="nearest")
    return np.clip(images, 0.0, 1.0).astype(np.float32)[:, None]


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


def random_shifts(X, max_shift=2):
    """Data augmentation: each image of X (N, C, H, W) moved by its own random offset (dy, dx).

    dy, dx are whole pixels drawn uniformly from -max_shift..max_shift by torch's generator;
    pixels moved in from outside are 0. Introduced in the chapter on LeNet-5 and AlexNet.
    """
    import torch

    if X.ndim != 4:
        raise ValueError(f"X must be a batch of images (N, C, H, W), got shape {tuple(X.shape)}")
    max_shift = integer("max_shift", max_shift, 0)
    (N, C, H, W), s = X.shape, int(max_shift)
    dy, dx = torch.randint(0, 2 * s + 1, (2, N, 1), device=X.device)
    rows = (dy + torch.arange(H, device=X.device)).view(N, 1, H, 1).expand(N, C, H, W + 2 * s)
    cols = (dx + torch.arange(W, device=X.device)).view(N, 1, 1, W).expand(N, C, H, W)
    return torch.nn.functional.pad(X, (s, s, s, s)).gather(2, rows).gather(3, cols)


# --- Full MNIST and CIFAR-10: an opt-in for readers with a network --------------------------
# Downloaded once into data_home(), checked against the publishers' MD5 sums, written
# atomically (a broken download never looks like a finished one), then read from the cache.

MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"
MNIST_FILES = {  # part: (file name, MD5)
    "train_images": ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
    "train_labels": ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
    "test_images": ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
    "test_labels": ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
}
CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_MD5 = "c58f30108f718f92721af3b95e74349a"


def data_home():
    """Where downloads are cached: $DLCV_DATA, or ~/.cache/dlcv."""
    import os
    from pathlib import Path

    return Path(os.environ.get("DLCV_DATA") or Path.home() / ".cache" / "dlcv")


def _md5(path):
    import hashlib

    digest = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(url, md5, dest):
    """Download url to dest unless a file with the right MD5 is there already; return dest."""
    import os
    import urllib.error
    import urllib.request

    from tqdm.auto import tqdm

    if dest.exists() and _md5(dest) == md5:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(partial, "wb") as out:
            size = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=size, unit="B", unit_scale=True, desc=dest.name) as bar:
                for block in iter(lambda: response.read(1 << 20), b""):
                    out.write(block)
                    bar.update(len(block))
    except (urllib.error.URLError, OSError) as err:
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"could not download {url} ({err}). Are you offline? Every chapter runs "
                           "without it on the bundled digits: load_digits_split().") from err
    if _md5(partial) != md5:
        partial.unlink()
        raise RuntimeError(f"{url} arrived with the wrong MD5 checksum (expected {md5}); try again")
    os.replace(partial, dest)
    return dest


def read_idx(path):
    """An IDX file (MNIST's format, gzipped or not) as a uint8 array of its stated shape."""
    import gzip
    import struct

    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        zero, dtype, ndim = struct.unpack(">HBB", f.read(4))
        if zero != 0 or dtype != 0x08:
            raise ValueError(f"{path} is not an IDX file of unsigned bytes")
        shape = struct.unpack(f">{ndim}I", f.read(4 * ndim))
        data = np.frombuffer(f.read(), dtype=np.uint8)
    if data.size != np.prod(shape):
        raise ValueError(f"{path} holds {data.size} bytes, its header promises {shape}")
    return data.reshape(shape)


def load_mnist(root=None, base_url=MNIST_URL):
    """Full MNIST, downloaded once (11 MB).

    Returns X_train (60000, 28, 28) uint8, y_train (60000,), X_test (10000, 28, 28), y_test (10000,).
    """
    from pathlib import Path

    root = Path(root) if root is not None else data_home() / "mnist"
    parts = {part: read_idx(fetch(base_url + name, md5, root / name))
             for part, (name, md5) in MNIST_FILES.items()}
    return parts["train_images"], parts["train_labels"], parts["test_images"], parts["test_labels"]


def load_cifar10(root=None, url=CIFAR10_URL, md5=CIFAR10_MD5):
    """Full CIFAR-10, downloaded once (163 MB).

    Returns X_train (50000, 32, 32, 3) uint8, y_train (50000,), X_test (10000, 32, 32, 3), y_test (10000,).
    """
    import pickle
    import tarfile
    from pathlib import Path

    root = Path(root) if root is not None else data_home() / "cifar10"
    archive = fetch(url, md5, root / "cifar-10-python.tar.gz")
    batches = {}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            name = Path(member.name).name
            if name.startswith(("data_batch_", "test_batch")):
                batches[name] = pickle.loads(tar.extractfile(member).read(), encoding="bytes")

    def stack(names):
        X = np.concatenate([batches[n][b"data"] for n in names]).reshape(-1, 3, 32, 32)
        return X.transpose(0, 2, 3, 1), np.concatenate([batches[n][b"labels"] for n in names])

    X_train, y_train = stack(sorted(n for n in batches if n.startswith("data_batch_")))
    X_test, y_test = stack(["test_batch"])
    return X_train, y_train.astype(np.int64), X_test, y_test.astype(np.int64)
