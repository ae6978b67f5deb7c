"""k-nearest neighbours: L1/L2 distances three ways, a majority vote, k-fold cross-validation.

Introduced in the chapter on k-nearest neighbours (chapters/02_knn). The three distance
functions compute the same (N_test, N_train) matrix with two Python loops, one loop and no
loops; they exist side by side so the chapter can show they agree and time them.
"""

import numpy as np

METRICS = ("L1", "L2")
_CHUNK_ELEMENTS = 2**22  # bounds the (chunk, N_train, D) array of the broadcast L1 distance


def _check_metric(metric):
    if metric not in METRICS:
        raise ValueError(f"metric must be 'L1' or 'L2', got {metric!r}")


def _check_pair(X_test, X_train, metric):
    _check_metric(metric)
    X_test, X_train = np.asarray(X_test, dtype=np.float64), np.asarray(X_train, dtype=np.float64)
    if X_test.ndim != 2 or X_train.ndim != 2:
        raise ValueError(f"X_test and X_train must be 2-D (N, D), got shapes {X_test.shape} "
                         f"and {X_train.shape}")
    if X_test.shape[1] != X_train.shape[1]:
        raise ValueError(f"X_test and X_train must have the same D, got {X_test.shape[1]} "
                         f"and {X_train.shape[1]}")
    return X_test, X_train


def distances_two_loops(X_test, X_train, metric="L2"):
    """Distances by a double loop over (test, train) pairs, one vector each: the slow reference.

    X_test: (N_test, D), X_train: (N_train, D); metric "L1" (sum of |differences|) or "L2"
    (Euclidean). Returns dists: (N_test, N_train), dists[i, j] between X_test[i] and X_train[j].
    """
    X_test, X_train = _check_pair(X_test, X_train, metric)
    dists = np.zeros((len(X_test), len(X_train)))
    for i in range(len(X_test)):
        for j in range(len(X_train)):
            diff = X_test[i] - X_train[j]
            dists[i, j] = np.sum(np.abs(diff)) if metric == "L1" else np.sqrt(np.sum(diff**2))
    return dists


def distances_one_loop(X_test, X_train, metric="L2"):
    """Distances with one loop over test points; each row is one broadcast against all of X_train.

    Shapes as in distances_two_loops.
    """
    X_test, X_train = _check_pair(X_test, X_train, metric)
    dists = np.zeros((len(X_test), len(X_train)))
    for i in range(len(X_test)):
        diff = X_train - X_test[i]  # (N_train, D)
        dists[i] = np.abs(diff).sum(axis=1) if metric == "L1" else np.sqrt((diff**2).sum(axis=1))
    return dists


def distances_no_loops(X_test, X_train, metric="L2"):
    """Distances without Python loops over points.

    L2 expands ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b, so the work is one matrix product;
    rounding can make a tiny squared distance negative, so it is clipped at 0 before the root.
    L1 has no such identity: it broadcasts (chunk, N_train, D) differences, a chunk of test rows
    at a time, so memory stays bounded. Shapes as in distances_two_loops.
    """
    X_test, X_train = _check_pair(X_test, X_train, metric)
    if metric == "L2":
        sq = (X_test**2).sum(axis=1)[:, None] + (X_train**2).sum(axis=1)[None, :]
        return np.sqrt(np.maximum(sq - 2.0 * X_test @ X_train.T, 0.0))
    chunk = max(1, _CHUNK_ELEMENTS // max(1, X_train.size))
    return np.concatenate(
        [np.abs(X_test[s:s + chunk, None, :] - X_train[None, :, :]).sum(axis=2)
         for s in range(0, len(X_test), chunk)] or [np.zeros((0, len(X_train)))])


def predict_labels(dists, y_train, k):
    """Majority vote among the k nearest training points of each test point.

    dists: (N_test, N_train), y_train: (N_train,) integer labels. Neighbours are ordered by a
    stable sort (equal distances: the lower training index comes first); a tied vote goes to
    the smallest label. Returns y_hat: (N_test,).
    """
    dists, y_train = np.asarray(dists), np.asarray(y_train)
    if dists.ndim != 2 or y_train.ndim != 1 or dists.shape[1] != len(y_train):
        raise ValueError(f"need dists (N_test, N_train) and y_train (N_train,), got {dists.shape} "
                         f"and {y_train.shape}")
    if not 1 <= k <= len(y_train):
        raise ValueError(f"k must be between 1 and N_train = {len(y_train)}, got {k}")
    classes, y_index = np.unique(y_train, return_inverse=True)  # classes sorted ascending
    nearest = np.argsort(dists, axis=1, kind="stable")[:, :k]  # (N_test, k)
    counts = np.zeros((len(dists), len(classes)), dtype=np.int64)
    np.add.at(counts, (np.arange(len(dists))[:, None], y_index[nearest]), 1)
    return classes[np.argmax(counts, axis=1)]  # argmax takes the first, i.e. smallest, label


class KNearestNeighbor:
    """The k-nearest-neighbour classifier with the data-driven API: train memorises, predict votes.

    k=1 is the nearest-neighbour classifier. Usage:
    ``KNearestNeighbor(k=3, metric="L1").train(X_train, y_train).predict(X_test)``.
    """

    def __init__(self, k=1, metric="L2"):
        if not isinstance(k, int | np.integer) or k < 1:
            raise ValueError(f"k must be a positive integer, got {k!r}")
        _check_metric(metric)
        self.k, self.metric = int(k), metric
        self.X_train = self.y_train = None

    def train(self, X, y):
        """Memorise X: (N, D) and y: (N,). That is all the training there is. Returns self."""
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
        if X.ndim != 2 or y.ndim != 1:
            raise ValueError(f"need X of shape (N, D) and y of shape (N,), got {X.shape} and "
                             f"{y.shape}")
        if len(X) != len(y):
            raise ValueError(f"X and y differ in length: {len(X)} and {len(y)}")
        if self.k > len(X):
            raise ValueError(f"k = {self.k} exceeds the number of training points {len(X)}")
        self.X_train, self.y_train = X, y
        return self

    def predict(self, X):
        """Labels y_hat: (M,) for X: (M, D), by the vote of the k nearest training points."""
        if self.X_train is None:
            raise RuntimeError("call train(X, y) before predict(X)")
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.X_train.shape[1]:
            raise ValueError(f"X must have shape (M, {self.X_train.shape[1]}), got {X.shape}")
        dists = distances_no_loops(X, self.X_train, self.metric)
        return predict_labels(dists, self.y_train, self.k)


def cross_validate(X, y, k_choices, num_folds=5, metric="L2"):
    """k-fold cross-validation of kNN for each k in k_choices.

    X: (N, D), y: (N,). The data are split in order into num_folds folds (like the deck's
    torch.chunk; np.array_split, so fold sizes differ by at most one); each fold is the
    validation set once while the others are the training set. Returns {k: [accuracy per fold]}.
    """
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
        raise ValueError(f"need X (N, D) and y (N,) of equal length, got {X.shape} and {y.shape}")
    if not 2 <= num_folds <= len(X):
        raise ValueError(f"num_folds must be between 2 and N = {len(X)}, got {num_folds}")
    _check_metric(metric)
    k_choices = list(k_choices)
    if not k_choices:
        raise ValueError("k_choices must name at least one k")
    X_folds, y_folds = np.array_split(X, num_folds), np.array_split(y, num_folds)
    results = {k: [] for k in k_choices}
    for f in range(num_folds):
        X_tr = np.concatenate(X_folds[:f] + X_folds[f + 1:])
        y_tr = np.concatenate(y_folds[:f] + y_folds[f + 1:])
        dists = distances_no_loops(X_folds[f], X_tr, metric)  # shared by every k
        for k in k_choices:
            results[k].append(float(np.mean(predict_labels(dists, y_tr, k) == y_folds[f])))
    return results


def random_distances(dim, num_points=500, seed=0, metric="L2"):
    """Distances (num_points,) from one query to num_points points, all uniform in [0, 1]^dim."""
    if dim < 1 or num_points < 2:
        raise ValueError(f"need dim >= 1 and num_points >= 2, got dim={dim}, "
                         f"num_points={num_points}")
    rng = np.random.default_rng(seed)
    query, points = rng.random((1, dim)), rng.random((num_points, dim))
    return distances_no_loops(query, points, metric)[0]


def distance_concentration(dims, num_points=500, seed=0, metric="L2"):
    """Relative contrast (max - min) / min of random_distances, per dim in dims: (len(dims),).

    Beyer et al. (1999): as the dimension grows this ratio shrinks towards 0, so the nearest and
    the farthest point are almost equally far and "nearest" loses its meaning.
    """
    contrast = []
    for dim in dims:
        d = random_distances(dim, num_points, seed, metric)
        contrast.append((d.max() - d.min()) / d.min())
    return np.array(contrast)


def leave_one_out_accuracy(X, y, k=1, metric="L2"):
    """Fraction of the points of X that the vote of their k nearest *other* points labels correctly.

    X: (N, D), y: (N,). Each row is left out in turn and classified by predict_labels among the
    remaining N - 1 rows (its distance to itself is set to infinity): kNN's accuracy with every
    point a test point once, and no separate training set. A measure of how well the classes
    separate *locally* in a space, which works as well in a 2-D embedding (t-SNE) as in the
    space it came from. Introduced in the chapter on LeNet-5 and AlexNet.
    """
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
        raise ValueError(f"need X (N, D) and y (N,) of equal length, got {X.shape} and {y.shape}")
    if not isinstance(k, int | np.integer) or not 1 <= k <= len(X) - 1:
        raise ValueError(f"k must be an integer between 1 and N - 1 = {len(X) - 1}, got {k!r}")
    dists = distances_no_loops(X, X, metric)
    np.fill_diagonal(dists, np.inf)  # a point is not its own neighbour
    return float(np.mean(predict_labels(dists, y, int(k)) == y))
