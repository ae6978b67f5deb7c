"""lib.surfaces: gradients and Hessians against centred differences, known minima, and run()."""

import numpy as np
import pytest

from lib.gradcheck import numerical_gradient, relative_error
from lib.surfaces import Quadratic, quadratic, run, saddle, two_minima

SURFACES = [quadratic(1), quadratic(10), quadratic(50, angle=0.6), saddle(), two_minima(),
            two_minima(tilt=0.5)]


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: type(s).__name__)
def test_gradient_and_hessian_match_centred_differences(surface):
    rng = np.random.default_rng(0)
    for w in rng.uniform(-1.5, 1.5, size=(5, 2)):
        g = surface.grad(w)
        assert g.shape == (2,)
        assert relative_error(g, numerical_gradient(surface.loss, w.copy())) < 1e-8
        H = surface.hessian(w)
        H_num = np.stack([numerical_gradient(lambda v, i=i: surface.grad(v)[i], w.copy()) for i in range(2)])
        assert H.shape == (2, 2) and relative_error(H, H_num) < 1e-8


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: type(s).__name__)
def test_vectorized_over_grids(surface):
    rng = np.random.default_rng(1)
    grid = rng.normal(size=(3, 4, 2))
    L, G, H = surface.loss(grid), surface.grad(grid), surface.hessian(grid)
    assert L.shape == (3, 4) and G.shape == (3, 4, 2) and H.shape == (3, 4, 2, 2)
    assert np.allclose(L[1, 2], surface.loss(grid[1, 2]))
    assert np.allclose(G[2, 3], surface.grad(grid[2, 3]))
    assert np.allclose(H[0, 1], surface.hessian(grid[0, 1]))


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: type(s).__name__)
def test_minima_are_minima(surface):
    for m in surface.minima:
        assert np.allclose(surface.grad(m), 0, atol=1e-10)
        assert np.all(np.linalg.eigvalsh(surface.hessian(m)) > 0)


@pytest.mark.parametrize("kappa, angle", [(1, 0.0), (10, 0.0), (50, 0.3)])
def test_quadratic_condition_number(kappa, angle):
    eig = np.linalg.eigvalsh(quadratic(kappa, angle).hessian(np.zeros(2)))
    assert np.isclose(eig.max(), 1.0) and np.isclose(eig.max() / eig.min(), kappa)


def test_saddle_and_two_minima():
    s = saddle()
    assert np.allclose(s.grad(np.zeros(2)), 0)
    eig = np.linalg.eigvalsh(s.hessian(np.zeros(2)))
    assert eig.min() < 0 < eig.max()  # a saddle point
    assert np.allclose(s.loss(s.minima), -0.25)
    t = two_minima()
    (x_global, _), (x_local, _) = t.minima
    assert x_global < t.hill[0] < x_local
    assert t.loss(t.minima[0]) < t.loss(t.minima[1]) < t.loss(t.hill)


def test_run_sgd_is_gradient_descent_by_hand():
    q = quadratic(10)
    w, lr = np.array([-2.0, 1.0]), 0.5
    trajectory = run("sgd", q, w, lr=lr, num_steps=5)
    assert trajectory.shape == (6, 2) and np.allclose(trajectory[0], w)
    for t in range(5):
        w = w - lr * q.A @ w
        assert np.allclose(trajectory[t + 1], w)


def test_gradient_descent_step_limit():
    """On a quadratic, gradient descent converges iff lr < 2 / lambda_max (= 2 here)."""
    q = quadratic(10, angle=0.4)
    w0 = np.array([-2.0, 1.5])
    below = run("sgd", q, w0, lr=1.98, num_steps=400)
    above = run("sgd", q, w0, lr=2.02, num_steps=400)
    assert q.loss(below[-1]) < 1e-3 * q.loss(w0) and q.loss(above[-1]) > 10 * q.loss(w0)


def test_noise_escapes_saddle():
    s, w0 = saddle(), np.array([1.2, 0.0])
    stuck = run("sgd", s, w0, lr=0.1, num_steps=200)
    noisy = run("sgd", s, w0, lr=0.1, num_steps=200, noise=0.1, seed=0)
    assert np.allclose(stuck[-1], 0, atol=1e-8)  # converges to the saddle point itself
    assert abs(abs(noisy[-1, 1]) - 1) < 0.2      # rolled off into a minimum
    assert np.array_equal(noisy, run("sgd", s, w0, lr=0.1, num_steps=200, noise=0.1, seed=0))


def test_run_passes_kwargs_and_returns_copies():
    q = quadratic(5)
    w0 = np.array([1.0, 1.0])
    a = run("momentum", q, w0, lr=0.1, num_steps=3, rho=0.0)
    b = run("sgd", q, w0, lr=0.1, num_steps=3)
    assert np.allclose(a, b) and np.all(w0 == 1.0)  # rho = 0 is plain SGD; w0 is left alone


@pytest.mark.parametrize("kwargs, word", [
    ({"w0": np.zeros(3)}, "w0"), ({"w0": np.zeros((2, 2))}, "w0"), ({"num_steps": -1}, "num_steps"),
    ({"num_steps": 2.5}, "num_steps"), ({"noise": -0.1}, "noise"), ({"lr": 0.0}, "lr"),
    ({"optimizer_name": "newton"}, "name"), ({"beta": 0.5}, "keyword"), ({"surface": object()}, "surface"),
])
def test_run_bad_input(kwargs, word):
    args = {"optimizer_name": "sgd", "surface": quadratic(2), "w0": np.zeros(2), "lr": 0.1, "num_steps": 3}
    with pytest.raises(ValueError, match=word):
        run(**{**args, **kwargs})


def test_bad_surface_arguments():
    with pytest.raises(ValueError, match="condition_number"):
        Quadratic(0.5)
    with pytest.raises(ValueError, match="tilt"):
        two_minima(tilt=0.0)
    with pytest.raises(ValueError, match="w"):
        saddle().loss(np.zeros(3))


def test_plot_trajectories_draws_every_path():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lib.plot import plot_trajectories

    q = quadratic(10)
    paths = {name: run(name, q, np.array([-2.5, 1.5]), lr=0.5, num_steps=10) for name in ["sgd", "adam"]}
    fig, ax = plt.subplots()
    plot_trajectories(q.loss, paths, ax=ax, extent=q.extent)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels.count("sgd") == 1 and labels.count("adam") == 1
    assert np.allclose(ax.get_lines()[0].get_xydata(), paths["sgd"])
    assert ax.get_xlim() == q.extent[:2]
    with pytest.raises(ValueError, match="trajectories"):
        plot_trajectories(q.loss, {"bad": np.zeros((3, 3))}, ax=ax)
    with pytest.raises(ValueError, match="extent"):
        plot_trajectories(q.loss, paths, ax=ax, extent=(0, 1))
    plt.close(fig)


def test_tuned_momentum_needs_about_sqrt_kappa_steps_where_gradient_descent_needs_kappa():
    from lib.surfaces import best_gd_lr, steps_to_reach, tuned_momentum

    w0, gd, heavy = np.array([-2.5, 1.5]), [], []
    kappas = [10, 100, 1000]
    for k in kappas:
        q = quadratic(k, angle=0.3)
        gd.append(steps_to_reach("sgd", q, w0, 1e-6, 20_000, lr=best_gd_lr(1 / k, 1.0)))
        lr, rho = tuned_momentum(1 / k, 1.0)
        heavy.append(steps_to_reach("momentum", q, w0, 1e-6, 20_000, lr=lr, rho=rho))
    assert 0.9 < np.polyfit(np.log(kappas), np.log(gd), 1)[0] < 1.1
    assert 0.4 < np.polyfit(np.log(kappas), np.log(heavy), 1)[0] < 0.6
    assert steps_to_reach("sgd", quadratic(1), w0, 1e-6, 10, lr=1.0) == 1  # kappa = 1: one step
    assert steps_to_reach("sgd", quadratic(100), w0, 1e-6, 10, lr=0.01) == 11  # never: max_steps + 1


def test_tuned_momentum_is_polyaks_and_critical_rho_damps_critically():
    from lib.surfaces import critical_rho, tuned_momentum

    lr, rho = tuned_momentum(0.01, 1.0)  # kappa = 100
    assert np.isclose(lr, 4 / 1.1**2) and np.isclose(rho, (9 / 11) ** 2)
    # the heavy ball's per-direction iteration has a double root exactly at the critical rho
    for curvature in [0.01, 0.3]:
        r = critical_rho(0.5, curvature)
        assert np.isclose((1 + r - 0.5 * curvature) ** 2, 4 * r)
    # Polyak's rho is the critical rho of both extreme directions
    assert np.isclose(critical_rho(lr, 0.01), rho) and np.isclose(critical_rho(lr, 1.0), rho)


@pytest.mark.parametrize("call, word", [
    (lambda: __import__("lib.surfaces").surfaces.tuned_momentum(1.0, 0.5), "lambda_min"),
    (lambda: __import__("lib.surfaces").surfaces.best_gd_lr(0.0, 1.0), "lambda_min"),
    (lambda: __import__("lib.surfaces").surfaces.critical_rho(-1.0, 1.0), "lr"),
    (lambda: __import__("lib.surfaces").surfaces.steps_to_reach("sgd", quadratic(2), np.ones(2), 2.0, 5,
                                                                lr=0.1), "factor"),
])
def test_tuning_bad_input(call, word):
    with pytest.raises(ValueError, match=word):
        call()


def test_loss_ratio_is_the_final_over_the_first_loss():
    from lib.surfaces import loss_ratio

    q, w0 = quadratic(4), np.array([1.0, 1.0])
    path = run("sgd", q, w0, lr=0.5, num_steps=7)
    assert np.isclose(loss_ratio("sgd", q, w0, 7, lr=0.5), q.loss(path[-1]) / q.loss(w0))
