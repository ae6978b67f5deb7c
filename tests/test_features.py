"""lib.features: HOG by its properties (scikit-image is not a dependency), the k-means features
of whitened patches step by step, standardisation, and their pictures in lib.plot."""

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lib import plot_features  # noqa: E402
from lib.features import (  # noqa: E402
    KMeansFeatures,
    cell_histograms,
    extract_patches,
    gradient_orientations,
    hog,
    image_gradients,
    normalize_patches,
    quadrant_sums,
    standardize,
    triangle_activations,
    zca_whitening,
)

RNG = np.random.default_rng(0)
DIGITLIKE = RNG.random((6, 8, 8))


def ramp(angle_degrees, size=8):
    """An image whose grey level grows by 1 per pixel in the direction angle_degrees (counter-
    clockwise from the x-axis, as the picture is seen): its gradient points that way everywhere."""
    rows, cols = np.indices((size, size))
    a = np.radians(angle_degrees)
    return np.cos(a) * cols - np.sin(a) * rows


def vertical_edge(size=8):
    image = np.zeros((size, size))
    image[:, size // 2:] = 1.0
    return image


# --- gradients and orientations ------------------------------------------------------------


def test_gradients_are_central_differences_with_repeated_borders():
    image = RNG.random((1, 5, 6))
    gx, gy = image_gradients(image)
    assert gx.shape == gy.shape == (1, 5, 6)
    np.testing.assert_allclose(gx[0, 2, 3], (image[0, 2, 4] - image[0, 2, 2]) / 2)
    np.testing.assert_allclose(gy[0, 2, 3], (image[0, 3, 3] - image[0, 1, 3]) / 2)
    np.testing.assert_allclose(gx[0, :, 0], (image[0, :, 1] - image[0, :, 0]) / 2)  # one-sided
    np.testing.assert_allclose(gy[0, -1], (image[0, -1] - image[0, -2]) / 2)


@pytest.mark.parametrize("angle", [0, 10, 45, 90, 135, 170])
def test_the_orientation_of_a_ramp_is_its_direction_modulo_180(angle):
    for signed in (angle, angle + 180):  # dark-to-bright and bright-to-dark: the same orientation
        magnitude, orientation = gradient_orientations(ramp(signed)[None])
        off = np.abs(orientation[0, 1:-1, 1:-1] - angle)  # away from the border: one-sided there
        np.testing.assert_allclose(np.minimum(off, 180 - off), 0.0, atol=1e-9)  # 180 - 1e-14 is 0
        np.testing.assert_allclose(magnitude[0, 1:-1, 1:-1], 1.0)
        assert np.all((orientation >= 0) & (orientation < 180))


def test_a_vertical_edge_has_orientation_0_and_a_horizontal_one_90():
    image = vertical_edge()
    magnitude, orientation = gradient_orientations(np.stack([image, image.T]))
    assert magnitude[0, :, 3:5].min() > 0 and magnitude[0, :, :3].max() == 0
    np.testing.assert_allclose(orientation[0][magnitude[0] > 0], 0.0)
    np.testing.assert_allclose(orientation[1][magnitude[1] > 0], 90.0)


# --- histograms and HOG ---------------------------------------------------------------------


def test_a_vertical_edge_puts_all_its_mass_in_the_0_degree_bin():
    h = cell_histograms(vertical_edge()[None], cell=4, bins=9)
    assert h.shape == (1, 2, 2, 9)
    np.testing.assert_allclose(h[..., 1:], 0.0)
    # the edge runs between columns 3 and 4: pixels 3 and 4 of every row vote 1/2 each
    np.testing.assert_allclose(h[0, :, :, 0], [[2.0, 2.0], [2.0, 2.0]])


def test_votes_are_split_linearly_between_the_two_nearest_bins():
    for angle, expected in [(10, {0: 0.5, 1: 0.5}), (25, {1: 0.75, 2: 0.25}), (170, {8: 0.5, 0: 0.5}),
                            (90, {4: 0.5, 5: 0.5})]:
        h = cell_histograms(ramp(angle, size=12)[None], cell=4, bins=9)[0, 1, 1]  # the middle cell
        total = h.sum()
        assert set(np.flatnonzero(h > 1e-9)) == set(expected), (angle, h)
        for k, share in expected.items():
            np.testing.assert_allclose(h[k] / total, share, atol=1e-9)


def test_rotating_an_image_by_90_degrees_rotates_its_cells_and_moves_the_mass_by_90_degrees():
    image = DIGITLIKE[:1]
    h = cell_histograms(image, cell=4, bins=6)  # bins of 30 degrees: 90 degrees is 3 bins
    h_rot = cell_histograms(np.rot90(image, axes=(1, 2)), cell=4, bins=6)
    expected = np.roll(np.rot90(h, axes=(1, 2)), 3, axis=3)
    np.testing.assert_allclose(h_rot, expected, atol=1e-12)
    assert not np.allclose(h_rot, np.rot90(h, axes=(1, 2)))  # the mass did move
    # with 9 bins of 20 degrees, the vertical edge's 0 becomes 90: half in bin 4, half in 5
    h9 = cell_histograms(np.rot90(vertical_edge())[None], cell=8, bins=9)[0, 0, 0]
    np.testing.assert_allclose(h9 / h9.sum(), [0, 0, 0, 0, 0.5, 0.5, 0, 0, 0], atol=1e-12)


def test_constant_images_give_zero_features():
    images = np.stack([np.zeros((8, 8)), np.full((8, 8), 0.7)])
    np.testing.assert_array_equal(cell_histograms(images), 0.0)
    np.testing.assert_array_equal(hog(images), 0.0)


@pytest.mark.parametrize(("cell", "block", "D"), [(2, 2, 3 * 3 * 4 * 9), (4, 2, 36), (4, 1, 36), (2, 1, 144),
                                                  (8, 1, 9), (2, 4, 144)])
def test_hog_shapes(cell, block, D):
    assert hog(DIGITLIKE, cell=cell, block=block).shape == (6, D)


def test_hog_is_unchanged_by_brightness_and_contrast():
    F = hog(DIGITLIKE)
    np.testing.assert_allclose(hog(DIGITLIKE + 3.0), F, atol=1e-12)  # the gradients do not change
    np.testing.assert_allclose(hog(2.5 * DIGITLIKE), F, atol=1e-9)   # they scale; the norm undoes it
    np.testing.assert_allclose(hog(16 * DIGITLIKE - 4), F, atol=1e-9)


def test_each_block_is_its_cells_concatenated_and_l2_normalised():
    cells = cell_histograms(DIGITLIKE, cell=2, bins=9)  # (6, 4, 4, 9)
    F = hog(DIGITLIKE, cell=2, block=2, bins=9).reshape(6, 3, 3, 36)
    for r, c in [(0, 0), (0, 2), (1, 2), (2, 1)]:
        v = cells[:, r:r + 2, c:c + 2].reshape(6, 36)
        np.testing.assert_allclose(F[:, r, c], v / np.linalg.norm(v, axis=1, keepdims=True), atol=1e-9)
    np.testing.assert_allclose(np.linalg.norm(F, axis=3), 1.0, atol=1e-9)


def test_hog_of_a_vertical_stroke_is_its_transpose_s_with_the_mass_moved_by_90_degrees():
    vertical = np.zeros((8, 8))
    vertical[1:7, 3:5] = 1.0
    F = hog(np.stack([vertical, vertical.T]), cell=8, block=1, bins=9)
    assert F[0, 0] > 2 * max(F[0, 4], F[0, 5])  # mostly vertical edges: bin 0
    np.testing.assert_allclose(F[1, 4], F[1, 5])  # its transpose: 90 degrees, between bins 4 and 5
    assert F[1, 4] > 2 * F[1, 0]
    h = cell_histograms(np.stack([vertical, vertical.T]), cell=8, bins=9)[:, 0, 0]
    np.testing.assert_allclose(h[1, [4, 5, 0]], [h[0, 0] / 2, h[0, 0] / 2, h[0, 4] + h[0, 5]], atol=1e-12)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: hog(np.zeros((8, 8))), "(N, H, W)"),
    (lambda: hog(np.zeros((2, 8, 8)), cell=3), "multiple of cell"),
    (lambda: hog(np.zeros((2, 8, 8)), cell=4, block=3), "block must be at most 2"),
    (lambda: hog(np.zeros((2, 8, 8)), bins=1), "bins must be an integer >= 2"),
    (lambda: hog(np.zeros((2, 8, 8)), cell="2"), "cell must be an integer"),
    (lambda: hog(np.zeros((2, 8, 8)), eps=0), "eps must be a number > 0"),
    (lambda: hog(np.full((2, 8, 8), np.nan)), "finite"),
])
def test_hog_rejects_bad_input(call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()


# --- k-means features of whitened patches ---------------------------------------------------


def test_patches_are_the_windows_of_the_image_row_by_row():
    patches = extract_patches(DIGITLIKE, 3)
    assert patches.shape == (6, 6, 6, 9)
    np.testing.assert_array_equal(patches[2, 4, 1], DIGITLIKE[2, 4:7, 1:4].ravel())
    with pytest.raises(ValueError, match="patch must be at most 8"):
        extract_patches(DIGITLIKE, 9)


def test_normalised_patches_forget_brightness_and_contrast_and_blank_ones_stay_zero():
    patches = RNG.random((50, 9))
    z = normalize_patches(patches, eps=1e-12)
    np.testing.assert_allclose(z.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=1), 1.0)
    np.testing.assert_allclose(normalize_patches(3 * patches + 1, eps=1e-12), z, atol=1e-6)
    np.testing.assert_array_equal(normalize_patches(np.full((2, 9), 0.3)), 0.0)
    faint = np.zeros(9)
    faint[0] = 0.01  # a faint speck is not blown up to full contrast
    assert np.abs(normalize_patches(faint, eps=0.01)).max() < 0.1


def test_zca_whitening_makes_the_covariance_the_identity_and_stays_symmetric():
    mixing = RNG.normal(size=(4, 4))
    X = RNG.normal(size=(20000, 4)) @ mixing + 5.0
    mean, M = zca_whitening(X, eps=1e-9)
    np.testing.assert_allclose(mean, X.mean(axis=0))
    np.testing.assert_allclose(M, M.T, atol=1e-9)
    np.testing.assert_allclose(np.cov((X - mean) @ M, rowvar=False), np.eye(4), atol=1e-6)
    # eps damps the directions of small variance: their whitened variance stays below 1
    _, M_damped = zca_whitening(X, eps=1.0)
    assert np.all(np.diag(np.cov((X - mean) @ M_damped, rowvar=False)) < 1)


def test_triangle_activations_follow_the_formula_and_zero_the_far_centroids():
    patches, centroids = RNG.normal(size=(3, 5, 4)), RNG.normal(size=(7, 4))
    f = triangle_activations(patches, centroids)
    assert f.shape == (3, 5, 7)
    z = np.linalg.norm(patches[..., None, :] - centroids, axis=-1)
    np.testing.assert_allclose(f, np.maximum(0, z.mean(axis=-1, keepdims=True) - z), atol=1e-9)
    assert np.all(f >= 0) and np.all(f.min(axis=-1) == 0)
    np.testing.assert_array_equal(f.argmax(axis=-1), z.argmin(axis=-1))


def test_quadrant_sums_pool_each_quarter_of_the_map():
    maps = np.zeros((1, 6, 6, 2))
    maps[0, 0, 0, 0], maps[0, 2, 3, 1], maps[0, 3, 2, 0], maps[0, 5, 5, 1] = 1, 2, 3, 4
    np.testing.assert_array_equal(quadrant_sums(maps)[0], [1, 0, 0, 2, 3, 0, 0, 4])
    odd = np.ones((1, 5, 5, 1))  # rows and columns split 3 + 2
    np.testing.assert_array_equal(quadrant_sums(odd)[0], [9, 6, 6, 4])


def test_kmeans_features_are_pooled_where_the_stroke_is():
    images = np.zeros((40, 8, 8))
    images[:20, 0:4, 1] = 1.0  # a vertical stroke in the top-left quadrant
    images[20:, 5, 4:8] = 1.0  # a horizontal stroke in the bottom-right
    images += 0.01 * RNG.random(images.shape)
    km = KMeansFeatures(num_centroids=8, patch=3, num_patches=2000, seed=0)
    F = km.fit_transform(images).reshape(40, 4, 8)  # (image, quadrant, centroid)
    assert km.centroids_.shape == (8, 9) and km.counts_.sum() == 2000
    strength = F.sum(axis=2)
    assert np.all(strength[:20, 0] > strength[:20, 3]) and np.all(strength[20:, 3] > strength[20:, 0])
    np.testing.assert_array_equal(KMeansFeatures(8, 3, 2000, seed=0).fit_transform(images),
                                  F.reshape(40, 32))  # the same seed, the same features


def test_kmeans_features_on_the_digits_shape_and_zero_share():
    from lib.data import load_digits_split

    X_train, _, X_test, _ = load_digits_split(unit=True)
    km = KMeansFeatures(num_centroids=20, num_patches=2000).fit(X_train.reshape(-1, 8, 8))
    F = km.transform(X_test.reshape(-1, 8, 8))
    assert F.shape == (len(X_test), 80) and np.all(F >= 0)
    codes = triangle_activations(km._whitened(extract_patches(X_test.reshape(-1, 8, 8), 3)), km.centroids_)
    assert 0.3 < np.mean(codes == 0) < 0.9  # the triangle code is sparse: many zeros per patch


@pytest.mark.parametrize(("call", "message"), [
    (lambda: KMeansFeatures(num_centroids=0), "num_centroids must be an integer >= 1"),
    (lambda: KMeansFeatures(num_centroids=50, num_patches=10), "num_patches must be at least"),
    (lambda: KMeansFeatures(eps_zca=-1), "eps_zca must be a number > 0"),
    (lambda: KMeansFeatures().transform(DIGITLIKE), "fitted first"),
    (lambda: KMeansFeatures(patch=8, num_patches=10, num_centroids=2).fit_transform(DIGITLIKE),
     "at least 9 pixels"),
    (lambda: KMeansFeatures(4, num_patches=100).fit(DIGITLIKE).transform(np.zeros((2, 8))), "(N, H, W)"),
    (lambda: triangle_activations(np.zeros((3, 4)), np.zeros((2, 5))), "centroids (K, P)"),
    (lambda: quadrant_sums(np.zeros((2, 1, 4, 3))), "R, C >= 2"),
    (lambda: zca_whitening(np.zeros(5)), "(M, P)"),
])
def test_kmeans_features_reject_bad_input(call, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_standardize_uses_the_training_statistics_only():
    F_train, F_test = RNG.normal(3.0, 2.0, size=(500, 4)), RNG.normal(size=(7, 4))
    Z_train, Z_test = standardize(F_train, F_test, eps=1e-12)
    np.testing.assert_allclose(Z_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z_train.std(axis=0), 1.0)
    np.testing.assert_allclose(Z_test, (F_test - F_train.mean(axis=0)) / F_train.std(axis=0))
    (Z_const,) = standardize(np.ones((5, 2)))
    np.testing.assert_array_equal(Z_const, 0.0)  # eps: a constant feature stays 0
    with pytest.raises(ValueError, match=r"others\[0\] must be \(M, 4\)"):
        standardize(F_train, np.zeros((3, 5)))


# --- pictures -------------------------------------------------------------------------------


def glyphs(ax):
    """The HOG glyphs plot_hog drew: (x, y) end points of its orange lines."""
    orange = plot_features.PALETTE[5]
    return [np.column_stack(line.get_data()) for line in ax.lines if line.get_color() == orange]


def test_plot_hog_draws_vertical_lines_for_a_vertical_edge():
    ax = Figure().add_subplot()
    plot_features.plot_hog(vertical_edge(), cell=4, bins=9, ax=ax)
    lines = glyphs(ax)
    assert len(lines) == 4  # one bin (0 degrees) in each of the 2x2 cells
    for ends in lines:
        assert abs(ends[0, 0] - ends[1, 0]) < 1e-9 and abs(ends[0, 1] - ends[1, 1]) > 1  # vertical
    centres = sorted(tuple(np.round(ends.mean(axis=0), 6)) for ends in lines)
    assert centres == [(1.5, 1.5), (1.5, 5.5), (5.5, 1.5), (5.5, 5.5)]


def test_plot_hog_draws_a_45_degree_gradient_as_a_line_up_and_to_the_left():
    ax = Figure().add_subplot()
    plot_features.plot_hog(ramp(45, size=12), cell=4, bins=4, ax=ax)
    (ends,) = [ends for ends in glyphs(ax) if np.allclose(ends.mean(axis=0), 5.5)]  # the middle cell
    (x0, y0), (x1, y1) = ends
    # the edge runs at 135 degrees: up (smaller row) as x goes left
    assert np.sign(x1 - x0) == np.sign(y1 - y0) and abs(abs(x1 - x0) - abs(y1 - y0)) < 1e-9


def test_plot_gradients_draws_one_arrow_per_pixel_along_the_gradient():
    ax = Figure().add_subplot()
    plot_features.plot_gradients(ramp(0), ax=ax)
    arrows = ax.collections[0]
    assert arrows.N == 64
    np.testing.assert_allclose(arrows.U.reshape(8, 8)[:, 1:-1], 1.0)  # 1/2 at the border
    np.testing.assert_allclose(arrows.V, 0.0, atol=1e-12)
    gx, gy = image_gradients(DIGITLIKE[:1])
    plot_features.plot_gradients(DIGITLIKE[0], ax=ax)
    np.testing.assert_allclose(ax.collections[1].U, gx.ravel())
    np.testing.assert_allclose(ax.collections[1].V, gy.ravel())
    with pytest.raises(ValueError, match="grey image"):
        plot_features.plot_gradients(np.zeros((2, 8, 8)), ax=ax)


def test_plot_patches_share_one_colour_scale_that_saturates_at_the_typical_patch():
    patches = np.array([[0.0, 1.0, -2.0, 0.5], [0.0, 0.01, 0.0, 0.0], [4.0, 0.0, 0.0, -40.0]])
    fig = plot_features.plot_patches(patches, (2, 2), fig=Figure())
    images = [ax.images[0] for ax in fig.axes[:3]]
    np.testing.assert_array_equal(images[0].get_array(), [[0, 1], [-2, 0.5]])
    assert all(image.get_clim() == (-2.0, 2.0) for image in images)  # the median of 2, 0.01, 40
    with pytest.raises(ValueError, match="patches must be"):
        plot_features.plot_patches(patches, (3, 3))
