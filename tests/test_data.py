"""Offline datasets: shapes, determinism, and the numbers the chapters rely on."""

import numpy as np
import pytest

from lib import data


def test_digits_split_is_stratified_deterministic_and_offline():
    X_train, y_train, X_test, y_test = data.load_digits_split(test_size=0.2, seed=0)
    assert X_train.shape == (1437, 64) and X_test.shape == (360, 64)
    assert X_train.dtype == np.float64 and X_train.min() == 0 and X_train.max() == 16
    assert np.array_equal(np.bincount(y_test), np.bincount(y_test, minlength=10))
    assert abs(np.bincount(y_test).min() - 36) <= 1  # stratified: about 36 of each digit
    again = data.load_digits_split(test_size=0.2, seed=0)
    assert np.array_equal(again[0], X_train) and np.array_equal(again[3], y_test)
    unit = data.load_digits_split(test_size=0.2, seed=0, unit=True)  # pixels in [0, 1], same split
    assert np.array_equal(unit[0] * 16, X_train) and np.array_equal(unit[1], y_train) and unit[0].max() == 1


def test_digit_images_and_photos():
    images, labels = data.load_digit_images()
    assert images.shape == (1797, 8, 8) and labels.shape == (1797,)
    photo = data.load_photo("flower")
    assert photo.shape == (427, 640, 3) and 0 <= photo.min() and photo.max() <= 1


@pytest.mark.parametrize("make", [data.make_blobs2d, data.make_xor, data.make_spirals])
def test_toy_sets_are_2d_labelled_and_seeded(make):
    X, y = make(seed=3)
    assert X.ndim == 2 and X.shape[1] == 2 and len(X) == len(y)
    assert np.array_equal(make(seed=3)[0], X) and not np.array_equal(make(seed=4)[0], X)


def test_xor_labels_follow_the_quadrants():
    X, y = data.make_xor(n=400, noise=0.0, seed=0)
    assert np.array_equal(y, ((X[:, 0] > 0) != (X[:, 1] > 0)).astype(int))


def test_web_demo_points_reproduce_the_decks_first_scores():
    X, y, W, b = data.web_demo_points()
    assert np.allclose(X[0] @ W.T + b, [1.95, -0.10, 0.60])
    assert list(np.bincount(y)) == [3, 3, 3]


def test_minibatches_cover_an_epoch_once():
    X, y = np.arange(10.0).reshape(10, 1), np.arange(10)
    batches = list(data.minibatches(X, y, batch_size=4, rng=np.random.default_rng(0)))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate([b[1] for b in batches])) == list(range(10))


@pytest.mark.parametrize("call, match", [
    (lambda: data.load_digits_split(test_size=1.5), "test_size"),
    (lambda: data.load_photo("cat"), "name"),
    (lambda: data.make_blobs2d(num_classes=1), "num_classes"),
    (lambda: data.make_xor(n=2), "n must"),
    (lambda: list(data.minibatches(np.zeros((3, 1)), np.zeros(2), 2)), "differ in length"),
    (lambda: list(data.minibatches(np.zeros((3, 1)), np.zeros(3), 0)), "batch_size"),
])
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_upsample_digits_matches_torch_bilinear_and_keeps_the_range():
    import torch
    import torch.nn.functional as F

    from lib.data import load_digits_split, upsample_digits

    X = load_digits_split()[0][:20]
    U = upsample_digits(X)
    assert U.shape == (20, 1, 28, 28) and U.dtype == np.float32
    assert 0.0 <= U.min() and U.max() <= 1.0
    T = F.interpolate(torch.tensor(X / 16.0).reshape(-1, 1, 8, 8), size=(28, 28), mode="bilinear",
                      align_corners=False).numpy()
    np.testing.assert_allclose(U, T, atol=1e-6)
    with pytest.raises(ValueError, match="X must be"):
        upsample_digits(np.zeros((3, 63)))
    with pytest.raises(ValueError, match="size"):
        upsample_digits(X, size=4)


def test_spirals_train_val_splits_one_draw_by_class():
    X_train, y_train, X_val, y_val = data.spirals_train_val(n_train=20, n_val=50, num_classes=3, seed=2)
    assert X_train.shape == (60, 2) and X_val.shape == (150, 2)
    assert list(np.bincount(y_train)) == [20] * 3 and list(np.bincount(y_val)) == [50] * 3
    X, y = data.make_spirals(70, 3, 0.4, seed=2)  # the same points, each in exactly one of the two sets
    both, labels = np.concatenate([X_train, X_val]), np.concatenate([y_train, y_val])
    order, expected = np.lexsort([*both.T, labels]), np.lexsort([*X.T, y])  # by class, then place
    assert np.array_equal(both[order], X[expected]) and np.array_equal(labels[order], y[expected])
    again = data.spirals_train_val(n_train=20, n_val=50, num_classes=3, seed=2)
    assert np.array_equal(again[0], X_train) and np.array_equal(again[3], y_val)
    with pytest.raises(ValueError, match="n_train"):
        data.spirals_train_val(n_train=0)
