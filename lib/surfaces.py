"""Two-dimensional loss surfaces with exact gradients and Hessians, and optimizer trajectories on them.

Every surface takes points w: (..., 2) (one point (2,), or a whole grid (H, W, 2) for a
contour plot) and offers ``loss(w) -> (...)``, ``grad(w) -> (..., 2)`` and
``hessian(w) -> (..., 2, 2)``, plus ``extent`` (xmin, xmax, ymin, ymax), a good window to
draw. ``run`` drives any optimizer of lib.optim across a surface. Introduced in the chapter
on optimizers.
"""

import numpy as np

from lib._checks import integer


def _check_points(w):
    w = np.asarray(w, dtype=np.float64)
    if w.ndim < 1 or w.shape[-1] != 2:
        raise ValueError(f"w must be a point (2,) or points (..., 2), got shape {w.shape}")
    return w


class Quadratic:
    """f(w) = 1/2 w^T A w with Hessian A = R diag(1/kappa, 1) R^T, R a rotation by angle (radians).

    condition_number kappa >= 1 is lambda_max / lambda_min of the Hessian. With angle 0 the
    shallow direction (lambda_min = 1/kappa) is x and the steep one (lambda_max = 1) is y, so
    gradient descent is stable for every kappa exactly when lr < 2. The minimum is w = 0.
    """

    def __init__(self, condition_number, angle=0.0):
        if not np.isscalar(condition_number) or not condition_number >= 1:
            raise ValueError(f"condition_number must be a number >= 1, got {condition_number!r}")
        c, s = np.cos(angle), np.sin(angle)
        R = np.array([[c, -s], [s, c]])
        self.A = R @ np.diag([1.0 / condition_number, 1.0]) @ R.T  # (2, 2), symmetric
        self.condition_number, self.angle = float(condition_number), float(angle)
        self.extent, self.minima = (-3.0, 3.0, -2.0, 2.0), np.zeros((1, 2))

    def loss(self, w):
        w = _check_points(w)
        return 0.5 * np.einsum("...i,ij,...j->...", w, self.A, w)

    def grad(self, w):
        return _check_points(w) @ self.A  # A is symmetric: (A w)^T = w^T A

    def hessian(self, w):
        w = _check_points(w)
        return np.broadcast_to(self.A, w.shape[:-1] + (2, 2)).copy()


class Saddle:
    """f(x, y) = x^2 + y^4/4 - y^2/2: a saddle point at (0, 0) and two minima at (0, +-1).

    Near the origin it is x^2 - y^2/2 (Hessian diag(2, -1)); the y^4 term keeps it bounded
    below, so an optimizer that leaves the saddle lands in a real minimum with f = -1/4.
    """

    def __init__(self):
        self.extent, self.minima = (-1.5, 1.5, -1.6, 1.6), np.array([[0.0, -1.0], [0.0, 1.0]])

    def loss(self, w):
        x, y = np.moveaxis(_check_points(w), -1, 0)
        return x**2 + y**4 / 4 - y**2 / 2

    def grad(self, w):
        x, y = np.moveaxis(_check_points(w), -1, 0)
        return np.stack([2 * x, y**3 - y], axis=-1)

    def hessian(self, w):
        x, y = np.moveaxis(_check_points(w), -1, 0)
        zero = np.zeros_like(x)
        return np.stack([np.stack([zero + 2, zero], -1), np.stack([zero, 3 * y**2 - 1], -1)], -2)


class TwoMinima:
    """f(x, y) = (x^2 - 1)^2 + tilt x + y^2: a local minimum near x = +1, the global one near x = -1.

    The tilt (> 0) makes the left valley deeper; a hill near x = 0 separates the two.
    """

    def __init__(self, tilt=0.3):
        if not np.isscalar(tilt) or not 0 < tilt < 1:
            raise ValueError(f"tilt must be a number in (0, 1), got {tilt!r}")
        self.tilt = float(tilt)
        roots = np.roots([4.0, 0.0, -4.0, self.tilt])  # f_x = 4x^3 - 4x + tilt = 0
        roots = np.sort(roots[np.isreal(roots)].real)  # left minimum, hill, right minimum
        self.minima = np.array([[roots[0], 0.0], [roots[2], 0.0]])  # global first
        self.hill = np.array([roots[1], 0.0])
        self.extent = (-2.0, 2.0, -1.5, 1.5)

    def loss(self, w):
        x, y = np.moveaxis(_check_points(w), -1, 0)
        return (x**2 - 1) ** 2 + self.tilt * x + y**2

    def grad(self, w):
        x, y = np.moveaxis(_check_points(w), -1, 0)
        return np.stack([4 * x**3 - 4 * x + self.tilt, 2 * y], axis=-1)

    def hessian(self, w):
        x, y = np.moveaxis(_check_points(w), -1, 0)
        zero = np.zeros_like(x)
        return np.stack([np.stack([12 * x**2 - 4, zero], -1), np.stack([zero, zero + 2], -1)], -2)


def quadratic(condition_number, angle=0.0):
    """The quadratic bowl with the given condition number (see Quadratic)."""
    return Quadratic(condition_number, angle)


def saddle():
    """The saddle surface x^2 + y^4/4 - y^2/2 (see Saddle)."""
    return Saddle()


def two_minima(tilt=0.3):
    """A surface with a local and a global minimum (see TwoMinima)."""
    return TwoMinima(tilt)


def run(optimizer_name, surface, w0, lr, num_steps, noise=0.0, seed=0, **kwargs):
    """Run an optimizer of lib.optim on a surface from w0: (2,). Returns the trajectory (num_steps + 1, 2).

    noise > 0 adds Gaussian noise with that standard deviation to every gradient (what a
    minibatch gradient does, roughly); seed seeds it. kwargs go to the optimizer (rho, beta1, ...).
    """
    from lib.optim import make_optimizer

    w0 = np.asarray(w0, dtype=np.float64)
    if w0.shape != (2,):
        raise ValueError(f"w0 must be one point (2,), got shape {w0.shape}")
    num_steps = integer("num_steps", num_steps, 0)
    if not noise >= 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    if not all(hasattr(surface, a) for a in ("loss", "grad")):
        raise ValueError(f"surface must have loss(w) and grad(w), got {type(surface).__name__}")
    rng = np.random.default_rng(seed)
    params = {"w": w0.copy()}
    opt = make_optimizer(optimizer_name, params, lr=lr, **kwargs)
    trajectory = [w0.copy()]
    for _ in range(num_steps):
        dw = surface.grad(params["w"]) + noise * rng.standard_normal(2)
        opt.step({"w": dw})
        trajectory.append(params["w"].copy())
    return np.array(trajectory)


def _check_curvatures(lambda_min, lambda_max):
    if not (np.isscalar(lambda_min) and np.isscalar(lambda_max) and 0 < lambda_min <= lambda_max):
        raise ValueError(f"need 0 < lambda_min <= lambda_max, got {lambda_min!r} and {lambda_max!r}")


def best_gd_lr(lambda_min, lambda_max):
    """The fixed learning rate that makes gradient descent on a quadratic fastest: 2 / (l_min + l_max).

    Both eigen-directions then shrink by (kappa - 1) / (kappa + 1) per step.
    """
    _check_curvatures(lambda_min, lambda_max)
    return 2.0 / (lambda_min + lambda_max)


def tuned_momentum(lambda_min, lambda_max):
    """Polyak's heavy-ball tuning for a quadratic with curvatures in [lambda_min, lambda_max]:
    (lr, rho) = (4 / (sqrt(l_max) + sqrt(l_min))^2, ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2).

    lib.optim.Momentum is the heavy ball (w' = w - lr g + rho (w - w_previous)), so with these
    settings every eigen-direction is critically damped or oscillates with factor sqrt(rho) =
    (sqrt(kappa) - 1) / (sqrt(kappa) + 1) per step: about sqrt(kappa) steps per e-fold where
    gradient descent needs about kappa (Polyak 1964; Goh, "Why Momentum Really Works", 2017).
    """
    _check_curvatures(lambda_min, lambda_max)
    root_kappa = np.sqrt(lambda_max / lambda_min)
    lr = 4.0 / (np.sqrt(lambda_max) + np.sqrt(lambda_min)) ** 2
    return float(lr), float(((root_kappa - 1) / (root_kappa + 1)) ** 2)


def critical_rho(lr, curvature):
    """The momentum rho that critically damps the eigen-direction with this curvature at this lr,
    (1 - sqrt(lr * curvature))^2: less friction oscillates, more crawls."""
    if not (lr > 0 and curvature > 0):
        raise ValueError(f"lr and curvature must be > 0, got {lr!r} and {curvature!r}")
    return float((1 - np.sqrt(lr * curvature)) ** 2)


def loss_ratio(optimizer_name, surface, w0, num_steps, **kwargs):
    """loss(after num_steps) / loss(w0) of the optimizer (lr and the rest in kwargs) from w0."""
    path = run(optimizer_name, surface, w0, num_steps=num_steps, **kwargs)
    return float(surface.loss(path[-1]) / surface.loss(path[0]))


def steps_to_reach(optimizer_name, surface, w0, factor, max_steps, **kwargs):
    """How many steps the optimizer (lr and the rest in kwargs) takes from w0 until the loss is
    below factor * loss(w0) (for a surface whose lowest loss is 0); max_steps + 1 if never."""
    from lib.optim import make_optimizer

    if not 0 < factor < 1:
        raise ValueError(f"factor must be in (0, 1), got {factor!r}")
    params = {"w": np.array(w0, dtype=np.float64)}
    opt, target = make_optimizer(optimizer_name, params, **kwargs), factor * surface.loss(params["w"])
    for step in range(1, max_steps + 1):
        opt.step({"w": surface.grad(params["w"])})
        if surface.loss(params["w"]) < target:
            return step
    return max_steps + 1
