"""The best one-hidden-layer ReLU network for a 1-D sample: how low the error can go with n units.

A network f(x) = c + sum_j v_j max(0, w_j x + b_j) is a linear spline whose knots are its units'
kinks k_j = -b_j / w_j. Unit j is v_j |w_j| max(0, s_j (x - k_j)) with s_j = sign(w_j), so
only the kinks and the directions s_j shape the function; for fixed kinks and directions the
output weights are linear least squares (variable projection). With no free linear term a
hinge's direction matters: since max(0, k - x) = max(0, x - k) - (x - k), the network is the
spline c' + b x + sum_j v'_j max(0, x - k_j) with b = -(sum of v'_j over the units facing left),
so each choice of directions is one linear constraint, and the best of the 2^n choices is read
off in closed form from the unconstrained fit. A kink outside the data on the active side is a
straight line there (a unit spent on a linear term), on the other side a dead unit.

:func:`best_relu_fits` searches the kinks from several starts (each new unit at the best places
of a grid, and random ones), with L-BFGS-B on the kinks (exact gradient) and coordinate sweeps.
It is deterministic and never worse with more units; it finds a very good fit, not a proven optimum.
Introduced in the chapter on multi-layer perceptrons.
"""

from dataclasses import dataclass

import numpy as np

from lib._checks import integer

MAX_UNITS = 10  # the search tries all 2^n directions of n units at once
NUM_INSERTIONS, NUM_RANDOM, NUM_IMPROVED = 4, 6, 2  # starts: a new unit at 4 places, 6 random; 2 refined


@dataclass
class ReluFit:
    """A 1-D one-hidden-layer ReLU network c + sum_j v[j] max(0, w[j] x + b[j]) and its mean squared error."""

    w: np.ndarray
    b: np.ndarray
    v: np.ndarray
    c: float
    mse: float

    @property
    def kinks(self):
        return -self.b / self.w

    def __call__(self, x):
        return relu_net_output(x, self.w, self.b, self.v, self.c)


def relu_net_output(x, w, b, v, c):
    """c + sum_j v_j max(0, w_j x + b_j) at the points x: (M,), for (H,) arrays w, b, v."""
    x, w, b, v = (np.asarray(a, dtype=np.float64) for a in (x, w, b, v))
    return c + np.maximum(0.0, x[:, None] * w + b) @ v


def relu_net_state(net, digits=6):
    """A ReluFit or a make_mlp([1, H, 1]) model as lib/js/spline.js takes it: {"units": [[w, b, v], ...],
    "bias": c} (and "mse" for a ReluFit), rounded to `digits` significant digits."""
    from lib.mlp import _relu_net_weights, rounded

    if isinstance(net, ReluFit):
        w, b, v, c, extra = net.w, net.b, net.v, net.c, {"mse": rounded(net.mse, digits)}
    else:
        (w, b, v, c), extra = _relu_net_weights(net), {}
    return {"units": rounded(np.column_stack([w, b, v]), digits), "bias": rounded(c, digits), **extra}


def _sse_all_directions(x, y, kinks):
    """For each row of kinks (B, n): the least sum of squared errors over the output weights and
    all 2^n directions, and the best directions as a (B, n) array of booleans (True: facing left)."""
    (B, n), M, p = kinks.shape, len(x), kinks.shape[1] + 2
    A = np.empty((B, M, p))  # the spline basis with a free linear term: 1, x, max(0, x - k_j)
    A[:, :, 0], A[:, :, 1] = 1.0, x
    np.maximum(0.0, x[None, :, None] - kinks[:, None, :], out=A[:, :, 2:])
    G, r = A.transpose(0, 2, 1) @ A, A.transpose(0, 2, 1) @ y
    G_pinv = np.linalg.pinv(G, rcond=1e-11, hermitian=True)
    theta = (G_pinv @ r[:, :, None])[:, :, 0]
    sse_free = y @ y - np.sum(theta * r, axis=1)
    left = (np.arange(2 ** n)[:, None] >> np.arange(n)) & 1  # (P, n): units facing left
    g = np.concatenate([np.zeros((2 ** n, 1)), np.ones((2 ** n, 1)), left], axis=1)  # b + sum v'_left = 0

    def quadratic(Q):  # g' Q_b g for every pattern g and batch item b: (B, P)
        return np.sum((g @ Q.transpose(1, 0, 2).reshape(p, B * p)).reshape(-1, B, p) * g[:, None], axis=2).T

    # Constraining the fit to g.theta = 0 costs (g.theta)^2 / g'G^+g, or nothing where g has a part in
    # G's null space (a unit facing right with its kink before the data: a free linear term).
    cost = (theta @ g.T) ** 2 / np.maximum(quadratic(G_pinv), 1e-300)
    null = quadratic(np.eye(p) - G_pinv @ G)
    sse = sse_free[:, None] + np.where(null > 1e-8, 0.0, cost)
    best = np.argmin(sse, axis=1)
    return np.maximum(sse[np.arange(B), best], 0.0), left[best].astype(bool)


def _fit(x, y, kinks, left):
    """The least-squares output weights for fixed kinks and directions: a ReluFit."""
    s = np.where(left, -1.0, 1.0)
    F = np.column_stack([np.ones_like(x), np.maximum(0.0, s * (x[:, None] - kinks))])
    theta = np.linalg.lstsq(F, y, rcond=None)[0]
    mse = float(np.mean((F @ theta - y) ** 2))
    return ReluFit(w=s, b=-s * kinks, v=theta[1:], c=float(theta[0]), mse=mse)


def _refine(x, y, kinks, left, bounds):
    """L-BFGS-B on the kinks for fixed directions; the gradient of the variable-projection error
    is d mse / d k_j = -2/M v_j s_j sum(residual where unit j is active)."""
    from scipy.optimize import minimize

    s = np.where(left, -1.0, 1.0)

    def loss(k):
        fit = _fit(x, y, k, left)
        residual = fit(x) - y
        active = s * (x[:, None] - k) > 0
        return fit.mse, -2.0 / len(x) * fit.v * s * (residual @ active)

    return minimize(loss, kinks, jac=True, method="L-BFGS-B", bounds=[bounds] * len(kinks),
                    options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 300}).x


def best_relu_fits(x, y, max_units, grid_size=64):
    """The best one-hidden-layer ReLU networks with 1, 2, ..., max_units units for the samples (x, y).

    x, y: (M,) arrays; max_units: at most MAX_UNITS (the search tries all 2^n hinge directions).
    Each network minimises the mean squared error sum((f(x) - y)^2) / M over its kinks,
    directions and output weights. Starts: the previous network with a new unit at each of the 4
    best places of a grid of grid_size quantiles of x (and one place outside the data), kinks
    spread evenly, and 6 random ones (seeded); each is polished by L-BFGS-B on the kinks, and the
    2 best by coordinate sweeps over the grid and around each kink, which unhook kinks caught on
    data points (the error is only piecewise smooth in the kinks). The result is the best the search
    finds, an upper bound on the best possible error, deterministic, and never worse with more units.
    Returns a list of ReluFit: w, b, v, c, mse; fit(x) evaluates the network, fit.kinks its kinks.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or y.shape != x.shape or len(x) < 2:
        raise ValueError(f"x and y must be 1-D arrays of one length >= 2, got shapes {x.shape} and {y.shape}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must be finite")
    if x.min() == x.max():
        raise ValueError("x must take at least two different values")
    if int(max_units) != max_units or not 1 <= max_units <= MAX_UNITS:
        raise ValueError(f"max_units must be an integer from 1 to {MAX_UNITS}, got {max_units}")
    grid_size = integer("grid_size", grid_size, 2)
    import scipy.optimize  # noqa: F401  (loads scipy's BLAS before the limit, which covers only those loaded)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # tiny matrices: one BLAS thread is several times faster than two
        return _search(x, y, int(max_units), int(grid_size))


def _search(x, y, max_units, grid_size):
    """The best fits found with 1..max_units units (see best_relu_fits). Long on purpose: its three
    steps (sweep, polish, improve) are nested functions that share the data, the grid and bounds."""
    lo, hi = x.min(), x.max()
    bounds = (lo - (hi - lo), hi + (hi - lo))
    grid = np.append(np.quantile(x, (np.arange(grid_size) + 0.5) / grid_size), bounds[0])

    step = (hi - lo) / len(x)  # about the data's spacing
    fine = step * np.linspace(-4, 4, 33)

    def sweep(kinks, offsets=None):  # coordinate descent: each kink over the grid (or kink + offsets)
        sse = _sse_all_directions(x, y, kinks[None])[0][0]
        for _ in range(6):
            moved = False
            for j in range(len(kinks)):
                trial = np.repeat(kinks[None], len(grid) if offsets is None else len(offsets), axis=0)
                trial[:, j] = grid if offsets is None else kinks[j] + offsets
                errors, _ = _sse_all_directions(x, y, trial)
                if errors.min() < sse * (1 - 1e-9):
                    sse, kinks, moved = errors.min(), trial[np.argmin(errors)], True
            if not moved:
                break
        return kinks

    def polish(kinks):  # L-BFGS-B on the kinks for the best directions, twice (the directions may change)
        for _ in range(2):
            kinks = _refine(x, y, kinks, _sse_all_directions(x, y, kinks[None])[1][0], bounds)
        return _fit(x, y, kinks, _sse_all_directions(x, y, kinks[None])[1][0])

    def improve(fit):  # the error is piecewise smooth, kinks catch on data points: sweep, polish, repeat
        for _ in range(4):
            better = polish(sweep(sweep(fit.kinks), fine))
            if better.mse >= fit.mse * (1 - 1e-9):
                break
            fit = better
        return fit

    rng = np.random.default_rng(0)
    fits, previous = [], np.zeros(0)
    for n in range(1, max_units + 1):
        trial = np.column_stack([np.repeat(previous[None], len(grid), axis=0), grid])
        order = np.argsort(_sse_all_directions(x, y, trial)[0])
        starts = [*trial[order[:NUM_INSERTIONS]], np.quantile(x, (np.arange(n) + 0.5) / n),
                  *np.quantile(x, rng.uniform(size=(NUM_RANDOM, n)))]
        candidates = sorted((polish(start) for start in starts), key=lambda fit: fit.mse)
        best = min((improve(fit) for fit in candidates[:NUM_IMPROVED]), key=lambda fit: fit.mse)
        if fits and best.mse > fits[-1].mse:  # never worse: the previous network and a dead unit
            last = fits[-1]
            best = ReluFit(np.append(last.w, -1.0), np.append(last.b, bounds[0]), np.append(last.v, 0.0),
                           last.c, last.mse)
        fits.append(best)
        previous = best.kinks
    return fits


def best_relu_fit(x, y, num_units, grid_size=64):
    """The best one-hidden-layer ReLU network with num_units units for samples y at x (see best_relu_fits)."""
    return best_relu_fits(x, y, num_units, grid_size)[-1]


def spline_demo(x, y, trained, best, units=3, y_range=(-2.0, 2.0)):
    """The page demo lib/js/spline.js: build a ReLU network by hand on the samples (x, y).

    trained: {n: make_mlp([1, n, 1]) model} and best: [ReluFit for 1, 2, ... units] (best_relu_fits),
    for the same sizes 1..len(best); the reader starts from the trained network with `units` units.
    """
    from lib.mlp import rounded
    from lib.widgets import PageDemo

    if sorted(trained) != list(range(1, len(best) + 1)):
        raise ValueError(f"trained must have the sizes 1..{len(best)} of best, got {sorted(trained)}")
    if not 1 <= units <= len(best):
        raise ValueError(f"units must be from 1 to {len(best)}, got {units}")
    nets = [relu_net_state(trained[n]) for n in range(1, len(best) + 1)]
    fits = [relu_net_state(fit) for fit in best]
    return PageDemo("spline", x=rounded(x, 6), y=rounded(y, 6), trained=nets, best=fits,
                    y_range=list(y_range), units=nets[units - 1]["units"], bias=nets[units - 1]["bias"],
                    start="trained", show_trained=False, show_best=True, lr=0.05)
