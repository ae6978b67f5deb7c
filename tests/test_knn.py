"""Tests of lib/knn.py: known answers, three distance implementations agreeing, scikit-learn."""

import numpy as np
import pytest

from lib import knn

DISTANCES = [knn.distances_two_loops, knn.distances_one_loop, knn.distances_no_loops]


def test_distances_known_answer():
    X_test = np.array([[0.0, 0.0], [1.0, 1.0]])
    X_train = np.array([[3.0, 4.0], [1.0, 1.0], [-1.0, 0.0]])
    l1 = np.array([[7.0, 2.0, 1.0], [5.0, 0.0, 3.0]])
    l2 = np.array([[5.0, np.sqrt(2), 1.0], [np.sqrt(13), 0.0, np.sqrt(5)]])
    for fn in DISTANCES:
        np.testing.assert_allclose(fn(X_test, X_train, "L1"), l1, rtol=0, atol=1e-12)
        np.testing.assert_allclose(fn(X_test, X_train, "L2"), l2, rtol=0, atol=1e-12)
        np.testing.assert_allclose(fn(X_test, X_train), l2, rtol=0, atol=1e-12)


@pytest.mark.parametrize("metric", ["L1", "L2"])
def test_three_implementations_agree(metric):
    rng = np.random.default_rng(0)
    X_test, X_train = rng.normal(size=(13, 7)), rng.normal(size=(29, 7))
    two = knn.distances_two_loops(X_test, X_train, metric)
    assert two.shape == (13, 29)
    np.testing.assert_allclose(knn.distances_one_loop(X_test, X_train, metric), two, atol=1e-9)
    np.testing.assert_allclose(knn.distances_no_loops(X_test, X_train, metric), two, atol=1e-9)


def test_distances_match_scipy():
    from scipy.spatial.distance import cdist

    rng = np.random.default_rng(1)
    X_test, X_train = rng.random((40, 5)), rng.random((50, 5))
    np.testing.assert_allclose(knn.distances_no_loops(X_test, X_train, "L1"),
                               cdist(X_test, X_train, "cityblock"), atol=1e-12)
    np.testing.assert_allclose(knn.distances_no_loops(X_test, X_train, "L2"),
                               cdist(X_test, X_train, "euclidean"), atol=1e-12)


def test_l1_chunking_covers_every_row(monkeypatch):
    monkeypatch.setattr(knn, "_CHUNK_ELEMENTS", 10)  # forces one test row per chunk
    rng = np.random.default_rng(2)
    X_test, X_train = rng.random((7, 3)), rng.random((4, 3))
    np.testing.assert_allclose(knn.distances_no_loops(X_test, X_train, "L1"),
                               knn.distances_two_loops(X_test, X_train, "L1"), atol=1e-12)


def test_no_loops_l2_never_nan_for_identical_points():
    X = np.random.default_rng(3).normal(size=(20, 10)) * 1e3
    d = knn.distances_no_loops(X, X, "L2")
    assert np.all(np.isfinite(d)) and np.all(d >= 0)
    assert np.all(np.argmin(d, axis=1) == np.arange(20))


def test_predict_labels_vote_and_ties():
    y_train = np.array([5, 2, 2, 5, 9])
    dists = np.array([[0.1, 0.2, 0.3, 0.4, 0.5],   # k=3: 5, 2, 2 -> 2
                      [0.1, 0.9, 0.9, 0.2, 0.0],   # k=3: 9, 5, 5 -> 5
                      [0.3, 0.3, 0.3, 0.3, 0.3]])  # all tied: indices 0, 1, 2 -> 5, 2, 2 -> 2
    np.testing.assert_array_equal(knn.predict_labels(dists, y_train, 3), [2, 5, 2])
    np.testing.assert_array_equal(knn.predict_labels(dists, y_train, 1), [5, 9, 5])
    # k=2 on row 0: one vote each for 5 and 2: the tie goes to the smaller label
    np.testing.assert_array_equal(knn.predict_labels(dists, y_train, 2), [2, 5, 2])
    # equal distances: the lower training index is nearer (stable sort)
    np.testing.assert_array_equal(knn.predict_labels(np.zeros((1, 5)), y_train, 1), [5])
    # k=5: every row sees all five labels (two 5s, two 2s, one 9): the tie goes to 2
    assert knn.predict_labels(dists, y_train, 5).tolist() == [2, 2, 2]


def test_predict_labels_keeps_label_values():
    y_train = np.array([-3, 10, 10])
    assert knn.predict_labels(np.array([[0.0, 1.0, 2.0]]), y_train, 3).tolist() == [10]


def test_classifier_memorises_training_set():
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(30, 4)), rng.integers(0, 3, 30)
    for metric in ("L1", "L2"):
        model = knn.KNearestNeighbor(k=1, metric=metric)
        assert model.train(X, y) is model
        np.testing.assert_array_equal(model.predict(X), y)


@pytest.mark.parametrize("k", [1, 3, 5, 8])
@pytest.mark.parametrize("metric, sk_metric", [("L1", "manhattan"), ("L2", "euclidean")])
def test_matches_sklearn_on_continuous_data(k, metric, sk_metric):
    from sklearn.neighbors import KNeighborsClassifier

    rng = np.random.default_rng(5)
    X_train, X_test = rng.normal(size=(200, 6)), rng.normal(size=(80, 6))
    y_train = rng.integers(0, 4, 200)
    ours = knn.KNearestNeighbor(k, metric).train(X_train, y_train).predict(X_test)
    sk = KNeighborsClassifier(n_neighbors=k, algorithm="brute", metric=sk_metric)
    np.testing.assert_array_equal(ours, sk.fit(X_train, y_train).predict(X_test))


def test_cross_validate_folds_in_order():
    # Two classes in blocks of 5: with 2 folds, each validation fold's neighbours are all
    # of the other class for k=1, so accuracy is 0 on both folds.
    X = np.arange(10.0)[:, None]
    y = np.repeat([0, 1], 5)
    assert knn.cross_validate(X, y, [1], num_folds=2) == {1: [0.0, 0.0]}
    X, y = np.random.default_rng(6).normal(size=(23, 3)), np.arange(23) % 2
    results = knn.cross_validate(X, y, [1, 3, 5], num_folds=5, metric="L1")
    assert list(results) == [1, 3, 5] and all(len(v) == 5 for v in results.values())
    # fold 0 is rows 0..4 (array_split of 23 rows: 5, 5, 5, 4, 4)
    expected = np.mean(knn.KNearestNeighbor(3, "L1").train(X[5:], y[5:]).predict(X[:5]) == y[:5])
    assert results[3][0] == pytest.approx(expected)


def test_leave_one_out_accuracy_leaves_each_point_out():
    # Points on a line, labels 0 0 1 1 1. Without itself, x=0 sees x=1 (a 0: right); x=1 sees
    # x=0 and x=2 at distance 1, and the tie goes to the lower index, x=0 (right); x=2 sees x=1
    # and x=3, and takes x=1 (a 0: wrong); x=3 and x=4 see 1s. 4 of 5 right.
    X, y = np.array([[0.0], [1.0], [2.0], [3.0], [4.0]]), np.array([0, 0, 1, 1, 1])
    assert knn.leave_one_out_accuracy(X, y) == pytest.approx(4 / 5)
    # k=3: x=0 sees 0, 1, 1 -> 1; x=1 sees 0, 1, 1 -> 1; x=2 sees 0, 1 and x=0 (the lower of
    # x=0 and x=4) -> 0: three wrong, only x=3 (1, 1, 0) and x=4 (1, 1, 0) right
    assert knn.leave_one_out_accuracy(X, y, k=3) == pytest.approx(2 / 5)
    # the same as training kNN on the other N - 1 points, one point at a time
    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(40, 3)), rng.integers(0, 3, 40)
    for k, metric in [(1, "L2"), (4, "L1")]:
        by_loop = np.mean([knn.KNearestNeighbor(k, metric).train(np.delete(X, i, 0), np.delete(y, i))
                           .predict(X[i:i + 1])[0] == y[i] for i in range(len(X))])
        assert knn.leave_one_out_accuracy(X, y, k, metric) == pytest.approx(by_loop)


def test_leave_one_out_accuracy_bad_input():
    X, y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    for k in (0, 4, 1.5):
        with pytest.raises(ValueError, match="k must"):
            knn.leave_one_out_accuracy(X, y, k)
    with pytest.raises(ValueError, match="equal length"):
        knn.leave_one_out_accuracy(X, y[:3])
    with pytest.raises(ValueError, match="metric"):
        knn.leave_one_out_accuracy(X, y, metric="cosine")


def test_distance_concentration_shrinks_with_dimension():
    contrast = knn.distance_concentration([2, 10, 100, 1000])
    assert contrast.shape == (4,)
    assert np.all(np.diff(contrast) < 0)
    assert contrast[-1] < 0.2 and contrast[0] > 10
    d = knn.random_distances(3, num_points=50, seed=1)
    assert d.shape == (50,) and np.all(d >= 0) and np.all(d <= np.sqrt(3))


def test_bad_input_names_the_argument():
    X = np.zeros((4, 2))
    for fn in DISTANCES:
        with pytest.raises(ValueError, match="metric"):
            fn(X, X, metric="cosine")
        with pytest.raises(ValueError, match="same D"):
            fn(X, np.zeros((4, 3)))
        with pytest.raises(ValueError, match="2-D"):
            fn(np.zeros(2), X)
    y = np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match="k"):
        knn.predict_labels(np.zeros((2, 4)), y, 0)
    with pytest.raises(ValueError, match="k"):
        knn.predict_labels(np.zeros((2, 4)), y, 5)
    with pytest.raises(ValueError, match="y_train"):
        knn.predict_labels(np.zeros((2, 3)), y, 1)
    with pytest.raises(ValueError, match="k"):
        knn.KNearestNeighbor(k=0)
    with pytest.raises(ValueError, match="metric"):
        knn.KNearestNeighbor(metric="L3")
    with pytest.raises(ValueError, match="differ in length"):
        knn.KNearestNeighbor().train(X, np.zeros(3))
    with pytest.raises(ValueError, match="X"):
        knn.KNearestNeighbor().train(np.zeros(4), y)
    with pytest.raises(ValueError, match="k"):
        knn.KNearestNeighbor(k=5).train(X, y)
    with pytest.raises(RuntimeError, match="train"):
        knn.KNearestNeighbor().predict(X)
    with pytest.raises(ValueError, match="X must have shape"):
        knn.KNearestNeighbor().train(X, y).predict(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="num_folds"):
        knn.cross_validate(X, y, [1], num_folds=1)
    with pytest.raises(ValueError, match="k_choices"):
        knn.cross_validate(X, y, [], num_folds=2)
    with pytest.raises(ValueError, match="metric"):
        knn.cross_validate(X, y, [1], num_folds=2, metric="cos")
    with pytest.raises(ValueError, match="dim"):
        knn.random_distances(0)
