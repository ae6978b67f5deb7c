"""Training loops: random search, gradient descent, minibatch SGD, gradient noise, lr decay."""

import numpy as np
import pytest

from lib.data import make_blobs2d
from lib.linear import predict, with_bias
from lib.losses import softmax_loss_vectorized, svm_loss_vectorized
from lib.train import (
    accuracy,
    decayed_lr,
    gradient_descent,
    gradient_noise,
    linear_loss,
    random_search,
    train_linear,
)


@pytest.fixture
def blobs():
    return make_blobs2d(n_per_class=40, num_classes=3, spread=0.25, seed=0)


def test_with_bias_and_linear_loss_match_lib_losses(blobs):
    X, y = blobs
    W = np.random.default_rng(0).normal(size=(3, 3))
    X1 = with_bias(X)
    assert X1.shape == (120, 3) and np.all(X1[:, -1] == 1)
    for name, fn in [("cross_entropy", softmax_loss_vectorized), ("svm", svm_loss_vectorized)]:
        loss, dW = linear_loss(W, X, y, loss=name, reg=0.1)
        ref_loss, ref_dW = fn(W, X1, y, 0.1)
        assert loss == pytest.approx(ref_loss) and np.allclose(dW, ref_dW)
    assert np.array_equal(predict(X, W), np.argmax(X @ W[:, :2].T + W[:, 2], axis=1))
    assert accuracy(W, X, y) == pytest.approx(np.mean(predict(X, W) == y))


@pytest.mark.parametrize("loss", ["cross_entropy", "svm"])
def test_training_separates_blobs(blobs, loss):
    X, y = blobs
    W, history = train_linear(X, y, 3, loss=loss, lr=0.5, batch_size=16, num_epochs=20, progress=False,
                              X_val=X, y_val=y)
    assert W.shape == (3, 3)
    assert history["train_acc"][-1] >= 0.97 and history["val_acc"][-1] == history["train_acc"][-1]
    assert len(history["loss"]) == 20 * 8  # ceil(120 / 16) = 8 steps per epoch
    assert history["epoch_loss"][-1] < 0.5 * history["epoch_loss"][0]
    assert history["lr"] == [0.5] * 20


def test_full_batch_equals_minibatch_of_size_N(blobs):
    X, y = blobs
    W_full, h_full = train_linear(X, y, 3, batch_size=None, num_epochs=5, progress=False)
    W_n, h_n = train_linear(X, y, 3, batch_size=len(X), num_epochs=5, progress=False)
    W_big, _ = train_linear(X, y, 3, batch_size=10 * len(X), num_epochs=5, progress=False)
    assert len(h_full["loss"]) == 5 and np.allclose(h_full["loss"], h_n["loss"])
    assert np.allclose(W_full, W_n) and np.allclose(W_full, W_big)


def test_full_batch_training_is_plain_gradient_descent(blobs):
    X, y = blobs
    W, history = train_linear(X, y, 3, reg=1e-3, lr=0.3, batch_size=None, num_epochs=7, progress=False)
    W0 = 0.001 * np.random.default_rng(0).standard_normal((3, 3))
    path, losses = gradient_descent(lambda w: linear_loss(w, X, y, reg=1e-3), W0, lr=0.3, num_steps=7)
    assert np.allclose(path[-1], W) and np.allclose(losses[:-1], history["loss"])


def test_other_optimizers_train_too(blobs):
    X, y = blobs
    for name, kwargs in [("momentum", {"rho": 0.9}), ("adam", {})]:
        W, history = train_linear(X, y, 3, optimizer=name, lr=0.05, num_epochs=10, progress=False, **kwargs)
        assert history["train_acc"][-1] >= 0.95, name


def test_gradient_descent_on_a_quadratic():
    curv = np.array([1.0, 4.0])

    def bowl(w):
        return 0.5 * np.sum(curv * w**2), curv * w

    for lr, converges in [(0.1, True), (0.45, True), (0.55, False)]:
        path, losses = gradient_descent(bowl, [1.0, 1.0], lr, 30)
        assert path.shape == (31, 2) and losses.shape == (31,)
        assert np.allclose(path[-1], (1 - lr * curv) ** 30)  # each coordinate shrinks by 1 - lr * curv
        assert (losses[-1] < 1e-3) == converges


def test_plateau_decay_triggers_after_patience():
    assert decayed_lr(0.1, [3.0, 2.0, 1.0], ("plateau", 0.1, 2)) == (0.1, 0)
    assert decayed_lr(0.1, [3.0, 1.0, 1.5, 1.2], ("plateau", 0.1, 2)) == pytest.approx((0.01, 4))
    # not again before `patience` epochs have passed since the last drop
    assert decayed_lr(0.01, [3.0, 1.0, 1.5, 1.2, 1.3], ("plateau", 0.1, 2), last_drop=4) == (0.01, 4)
    assert decayed_lr(0.1, [1.0, 1.0], ("step", 0.5, 2)) == (0.05, 2)
    assert decayed_lr(0.1, [1.0, 1.0, 1.0], ("step", 0.5, 2), last_drop=2) == (0.1, 2)
    assert decayed_lr(0.1, [1.0, 2.0, 3.0], None) == (0.1, 0)


def test_plateau_decay_in_training(blobs):
    X, y = blobs
    _, history = train_linear(X, y, 3, reg=0.1, lr=1.0, batch_size=4, num_epochs=15,
                              lr_schedule=("plateau", 0.1, 2), progress=False)
    assert history["lr"][0] == 1.0 and min(history["lr"]) <= 0.1  # the loss plateaued and lr dropped
    assert all(a >= b for a, b in zip(history["lr"], history["lr"][1:], strict=False))
    _, constant = train_linear(X, y, 3, reg=0.1, lr=1.0, batch_size=4, num_epochs=15, progress=False)
    assert history["epoch_loss"][-1] < constant["epoch_loss"][-1]


def test_random_search_improves_over_its_first_try(blobs):
    X, y = blobs
    W_best, losses = random_search(X, y, 3, num_tries=200, scale=1.0, seed=0)
    assert losses.shape == (200,) and losses.min() < losses[0]
    assert linear_loss(W_best, X, y)[0] == pytest.approx(losses.min())
    assert accuracy(W_best, X, y) > 0.5


def test_gradient_noise_shrinks_like_one_over_sqrt_batch_size(blobs):
    X, y = blobs
    W = np.random.default_rng(1).normal(size=(3, 3))
    noise = gradient_noise(W, X, y, [1, 4, 16, 120], num_samples=400)
    assert noise[-1] == pytest.approx(0.0, abs=1e-12)
    assert np.all(np.diff(noise) < 0)
    # sampling without replacement: the spread scales as sqrt((N - B) / (B (N - 1)))
    expected = np.sqrt((120 - np.array([1, 4, 16])) / (np.array([1, 4, 16]) * 119))
    assert np.allclose(noise[:3] / noise[0], expected / expected[0], rtol=0.2)


def test_bad_input_names_the_argument(blobs):
    X, y = blobs
    kw = {"progress": False}
    cases = [
        ({"loss": "hinge"}, "loss"), ({"optimizer": "sgdd"}, "optimizer"), ({"lr": 0}, "lr"),
        ({"batch_size": 0}, "batch_size"), ({"num_epochs": 0}, "num_epochs"),
        ({"lr_schedule": ("cosine", 0.1, 2)}, "lr_schedule"),
        ({"lr_schedule": ("plateau", 2.0, 2)}, "lr_schedule"),
        ({"X_val": X}, "X_val"), ({"X_val": X[:, :1], "y_val": y}, "X_val"),
    ]
    for kwargs, name in cases:
        with pytest.raises(ValueError, match=name):
            train_linear(X, y, 3, **kw, **kwargs)
    with pytest.raises(ValueError, match="y"):
        train_linear(X, y[:-1], 3, **kw)
    with pytest.raises(ValueError, match="y"):
        train_linear(X, y + 5, 3, **kw)
    with pytest.raises(ValueError, match="X"):
        train_linear(X[:, 0], y, 3, **kw)
    with pytest.raises(ValueError, match="num_classes"):
        random_search(X, y, 1)
    with pytest.raises(ValueError, match="num_tries"):
        random_search(X, y, 3, num_tries=0)
    with pytest.raises(ValueError, match="scale"):
        random_search(X, y, 3, scale=-1.0)
    with pytest.raises(ValueError, match="W"):
        linear_loss(np.zeros((3, 2)), X, y)
    with pytest.raises(ValueError, match="batch_sizes"):
        gradient_noise(np.zeros((3, 3)), X, y, [0, 4])
    with pytest.raises(ValueError, match="lr"):
        gradient_descent(lambda w: (0.0, w), [1.0], lr=-1, num_steps=3)
    with pytest.raises(ValueError, match="num_steps"):
        gradient_descent(lambda w: (0.0, w), [1.0], lr=0.1, num_steps=-1)


# --- the torch loop -------------------------------------------------------------------------

def _tiny_net(seed=0):
    import torch

    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))


def test_train_torch_learns_xor_which_no_linear_classifier_can():
    from lib.data import make_xor
    from lib.train_torch import torch_accuracy, train_torch

    X, y = make_xor(n=200, noise=0.2, seed=0)
    model = _tiny_net()
    history = train_torch(model, X, y, lr=0.05, num_epochs=200, progress=False, X_val=X, y_val=y)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["train_acc"][-1] > 0.95 and torch_accuracy(model, X, y) == history["val_acc"][-1]


def test_train_torch_is_deterministic_and_fits_regression_targets():
    import torch

    from lib.train_torch import train_torch

    x = np.linspace(-1, 1, 64)[:, None]
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(1, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
        runs.append(train_torch(model, x, x**2, loss="mse", batch_size=16, num_epochs=100, progress=False))
    assert runs[0]["loss"] == runs[1]["loss"] and runs[0]["loss"][-1] < 0.01
    assert "train_acc" not in runs[0]


@pytest.mark.parametrize("kwargs, match", [
    ({"loss": "hinge"}, "loss"), ({"optimizer": "lbfgs"}, "optimizer"), ({"lr": 0}, "lr"),
    ({"num_epochs": 0}, "num_epochs"), ({"batch_size": 0}, "batch_size"),
    ({"lr_schedule": "linear"}, "lr_schedule"),
])
def test_train_torch_rejects_bad_settings(kwargs, match):
    from lib.train_torch import train_torch

    with pytest.raises(ValueError, match=match):
        train_torch(_tiny_net(), np.zeros((4, 2)), np.zeros(4, dtype=int), progress=False, **kwargs)


# --- what LeNet-5 needs: augmentation, a cosine schedule, a progress bar the HTML book shows ------

def test_random_shifts_moves_each_image_by_at_most_max_shift():
    import torch

    from lib.data import random_shifts

    torch.manual_seed(0)
    X = torch.zeros(200, 2, 9, 9)
    X[:, :, 4, 4] = 1.0                                   # one bright pixel in the middle
    X[:, 1] *= 2.0                                        # the second channel moves with the first
    shifted = random_shifts(X, max_shift=2)
    assert shifted.shape == X.shape
    where = shifted[:, 0].flatten(1).argmax(1)
    dy, dx = where // 9 - 4, where % 9 - 4
    assert dy.abs().max() == 2 and dx.abs().max() == 2    # every offset in -2..2 occurs
    assert len({(a, b) for a, b in zip(dy.tolist(), dx.tolist(), strict=True)}) == 25
    assert torch.equal(shifted[:, 1], 2 * shifted[:, 0]) and torch.equal(shifted.sum((2, 3)), X.sum((2, 3)))
    assert torch.equal(random_shifts(X, max_shift=0), X)
    edge = torch.zeros(100, 1, 5, 5)
    edge[:, :, 0, 0] = 1.0
    assert random_shifts(edge, 1).sum() < 100             # pixels pushed out are lost, zeros come in


def test_train_torch_augments_every_batch_and_follows_the_cosine_schedule():
    import torch

    from lib.data import make_xor
    from lib.train_torch import train_torch

    X, y = make_xor(n=64, noise=0.2, seed=0)
    seen = []
    history = train_torch(_tiny_net(), X, y, lr=0.1, batch_size=16, num_epochs=4, progress=False,
                          augment=lambda X_b: seen.append(X_b.shape) or X_b + 0.0, lr_schedule="cosine")
    assert seen == [torch.Size([16, 2])] * 16             # 4 batches in each of 4 epochs
    steps = np.arange(4) * 4                              # the step at each epoch's start, of 16
    assert np.allclose(history["lr"], 0.1 * (1 + np.cos(np.pi * steps / 16)) / 2)
    plain = train_torch(_tiny_net(), X, y, lr=0.1, batch_size=16, num_epochs=4, progress=False)
    assert plain["lr"] == [0.1] * 4
    again = train_torch(_tiny_net(), X, y, lr=0.1, batch_size=16, num_epochs=4, progress=False,
                        augment=lambda X_b: X_b, lr_schedule=None)
    assert again["loss"] == plain["loss"]                 # an identity augmentation changes nothing


def test_train_torch_in_a_notebook_shows_the_final_bar_as_text(monkeypatch):
    import tqdm.auto
    from tqdm.notebook import tqdm_notebook

    from lib.train_torch import train_torch

    shown = []

    class Handle:
        def update(self, bundle, raw):
            shown.append(bundle)

    monkeypatch.setattr(tqdm.auto, "tqdm", tqdm_notebook)
    monkeypatch.setattr("IPython.display.display",
                        lambda bundle, raw, display_id: shown.append(bundle) or Handle())
    X, y = np.zeros((8, 2)), np.arange(8) % 2
    train_torch(_tiny_net(), X, y, num_epochs=3, progress=True)
    assert len(shown) == 2 and all("application/vnd.jupyter.widget-view+json" in b for b in shown)
    assert "0/3" in shown[0]["text/html"] and "3/3" in shown[1]["text/html"]
    assert "loss=" in shown[1]["text/html"] and shown[1]["text/html"].startswith("<pre")


def test_bad_augmentation_settings_are_named():
    import torch

    from lib.data import random_shifts
    from lib.train_torch import train_torch

    with pytest.raises(TypeError, match="augment"):
        train_torch(_tiny_net(), np.zeros((4, 2)), np.zeros(4, dtype=int), progress=False, augment="shift")
    with pytest.raises(ValueError, match="X must be"):
        random_shifts(torch.zeros(3, 8, 8))
    with pytest.raises(ValueError, match="max_shift"):
        random_shifts(torch.zeros(3, 1, 8, 8), max_shift=-1)


def test_torch_accuracy_in_chunks_equals_one_pass():
    import torch

    from lib.train_torch import torch_accuracy

    torch.manual_seed(0)
    X, y = torch.randn(2500, 2), torch.randint(0, 2, (2500,))
    model = _tiny_net()
    with torch.no_grad():
        one_pass = float((model(X).argmax(dim=1) == y).float().mean())
    assert torch_accuracy(model, X, y) == one_pass == torch_accuracy(model, X, y, batch_size=7)


def test_running_accuracy_comes_from_the_training_batches():
    from lib.data import make_xor
    from lib.train_torch import train_torch

    X, y = make_xor(n=200, noise=0.2, seed=0)
    full = train_torch(_tiny_net(), X, y, lr=0.05, batch_size=50, num_epochs=30, progress=False)
    running = train_torch(_tiny_net(), X, y, lr=0.05, batch_size=50, num_epochs=30, progress=False,
                          running_acc=True)
    assert running["loss"] == full["loss"]                # the same training, measured differently
    assert running["train_acc"] != full["train_acc"] and running["train_acc"][-1] > 0.9
    # the running accuracy lags one epoch's worth of learning behind: after epoch 1 it is lower
    assert running["train_acc"][0] <= full["train_acc"][0]
    counts = [round(a * 200) for a in running["train_acc"]]
    assert all(abs(c - a * 200) < 1e-9 for c, a in zip(counts, running["train_acc"], strict=True))


def test_plateau_decay_waits_more_than_patience_epochs_after_a_drop():
    """As the docstring says: a drop needs more than `patience` epochs since the last one."""
    flat = [1.0] * 10
    assert decayed_lr(0.1, flat[:3], ("plateau", 0.1, 3), last_drop=0) == (0.1, 0)  # 3 epochs: too early
    lr, drop = decayed_lr(0.1, flat[:4], ("plateau", 0.1, 3), last_drop=0)  # 4 > 3: the plateau counts
    assert np.isclose(lr, 0.01) and drop == 4
    assert decayed_lr(0.01, flat[:7], ("plateau", 0.1, 3), last_drop=4) == (0.01, 4)  # 3 since the drop
