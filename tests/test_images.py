"""lib.images: grey levels, shifts, tints, distances, edges, ink features, and the challenges."""

import numpy as np
import pytest
from scipy import ndimage

from lib.data import load_photo
from lib.images import (
    CHALLENGES,
    apply_challenge,
    challenge_draws,
    edge_magnitude,
    ink_features,
    l2_distance,
    shift_image,
    shrink,
    tint_to_distance,
    to_gray,
)


@pytest.fixture(scope="module")
def photo():
    return load_photo("flower")[::8, ::8]  # (54, 80, 3): small and fast


def test_to_gray_known_values_and_agreement_with_pillow(photo):
    pixels = np.array([[[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0], [1.0, 1.0, 1.0]]])
    np.testing.assert_allclose(to_gray(pixels), [[0.299, 0.587, 0.114, 1.0]])
    from PIL import Image

    pil = np.asarray(Image.fromarray(np.round(photo * 255).astype(np.uint8)).convert("L")) / 255
    assert np.max(np.abs(to_gray(photo) - pil)) <= 1 / 255 + 1e-12
    with pytest.raises(ValueError, match="image"):
        to_gray(np.zeros((4, 4)))


def test_shift_image_known_answer_and_edge_fill():
    image = np.arange(12.0).reshape(3, 4)
    out = shift_image(image, 1, 0)
    np.testing.assert_array_equal(out, [[0, 0, 1, 2], [4, 4, 5, 6], [8, 8, 9, 10]])
    out = shift_image(image, -1, 2)  # rows 0 and 1 repeat the top edge, row 2 is old row 0
    np.testing.assert_array_equal(out, [[1, 2, 3, 3], [1, 2, 3, 3], [1, 2, 3, 3]])
    np.testing.assert_array_equal(shift_image(image, 0, 0), image)


@pytest.mark.parametrize("dx,dy", [(3, 0), (0, -2), (-5, 4), (7, 7), (100, -100)])
def test_shift_image_agrees_with_scipy(photo, dx, dy):
    expected = ndimage.shift(photo, (dy, dx, 0), order=0, mode="nearest")
    np.testing.assert_array_equal(shift_image(photo, dx, dy), expected)


def test_shift_image_rejects_bad_input():
    with pytest.raises(TypeError, match="dx"):
        shift_image(np.zeros((4, 4)), 1.5, 0)
    with pytest.raises(TypeError, match="dy"):
        shift_image(np.zeros((4, 4)), 1, "2")
    with pytest.raises(ValueError, match="image"):
        shift_image(np.zeros(4), 1, 0)


def test_l2_distance_matches_numpy_and_checks_shapes(photo):
    rng = np.random.default_rng(0)
    a, b = rng.random((5, 6, 3)), rng.random((5, 6, 3))
    assert l2_distance(a, b) == pytest.approx(np.linalg.norm((a - b).ravel()))
    assert l2_distance(photo, photo) == 0.0
    assert l2_distance([0, 0], [3, 4]) == pytest.approx(5.0)
    with pytest.raises(ValueError, match="same shape"):
        l2_distance(a, b[:, :5])


@pytest.mark.parametrize("target", [0.0, 0.5, 7.3, 25.0])
def test_tint_to_distance_hits_the_target(photo, target):
    out = tint_to_distance(photo, target)
    assert out.shape == photo.shape
    assert l2_distance(out, photo) == pytest.approx(target, rel=1e-9, abs=1e-12)
    assert out.min() >= 0 and out.max() <= 1
    # every pixel moved toward the colour, by the same fraction of the way
    toward = np.array([1.0, 0.5, 0.0]) - photo
    moved = out - photo
    np.testing.assert_allclose(moved, moved.ravel()[np.argmax(np.abs(toward))]
                               / toward.ravel()[np.argmax(np.abs(toward))] * toward, atol=1e-12)


def test_tint_to_distance_matches_a_shift_distance(photo):
    shifted = shift_image(photo, 4, 2)
    target = l2_distance(shifted, photo)
    tinted = tint_to_distance(photo, target, color=(0.2, 0.4, 1.0))
    assert l2_distance(tinted, photo) == pytest.approx(target, rel=1e-9)


def test_tint_to_distance_rejects_bad_input(photo):
    reach = l2_distance(photo, np.broadcast_to([1.0, 0.5, 0.0], photo.shape))
    assert l2_distance(tint_to_distance(photo, reach), photo) == pytest.approx(reach, rel=1e-9)
    with pytest.raises(ValueError, match="target_distance"):
        tint_to_distance(photo, -1.0)
    with pytest.raises(ValueError, match="target_distance"):
        tint_to_distance(photo, reach * 1.001)
    with pytest.raises(ValueError, match="color"):
        tint_to_distance(photo, 1.0, color=(1.0, 2.0, 0.0))
    with pytest.raises(ValueError, match="image"):
        tint_to_distance(photo[..., 0], 1.0)
    with pytest.raises(ValueError, match="image"):
        tint_to_distance(photo * 2, 1.0)


def test_edge_magnitude_of_a_ramp_is_its_slope():
    r, c = np.mgrid[0:20, 0:30]
    ramp = 0.01 * c + 0.02 * r
    edges = edge_magnitude(ramp, sigma=1.0)
    np.testing.assert_allclose(edges[5:-5, 5:-5], np.hypot(0.01, 0.02), rtol=1e-9)
    assert np.allclose(edge_magnitude(np.full((10, 10, 3), 0.5)), 0)
    with pytest.raises(ValueError, match="sigma"):
        edge_magnitude(ramp, sigma=-1)


def test_edge_magnitude_peaks_on_a_step():
    image = np.zeros((16, 16))
    image[:, 8:] = 1.0
    edges = edge_magnitude(image, sigma=0)
    assert set(np.argmax(edges, axis=1)) <= {7, 8}
    assert edges[:, :6].max() == 0


def test_ink_features_on_drawn_shapes():
    ring = np.zeros((8, 8))
    ring[1:7, 1:7] = 1.0
    ring[2:6, 2:6] = 0.0
    bar = np.zeros((8, 8))
    bar[:, 3:5] = 1.0
    two_bars = np.zeros((8, 8))
    two_bars[:, 1] = two_bars[:, 6] = 1.0
    f = ink_features(np.stack([ring, bar, two_bars]))
    assert f["hole"][0] == 1.0 and f["hole"][1] < 0
    np.testing.assert_allclose(f["width"], [6 / 8, 2 / 8, 2 / 8])
    np.testing.assert_array_equal(f["row_strokes"], [2, 1, 2])
    np.testing.assert_array_equal(f["col_strokes"], [2, 1, 0])
    np.testing.assert_allclose(f["top"], 0.5)
    np.testing.assert_allclose(f["left"], [0.5, 0.5, 0.5])
    np.testing.assert_allclose(f["top_bar"], [6 / 20, 0.25, 0.25])
    with pytest.raises(ValueError, match="images"):
        ink_features(np.zeros((8, 8)))


@pytest.mark.parametrize("challenge", CHALLENGES)
def test_apply_challenge_shape_range_determinism(photo, challenge):
    assert np.array_equal(apply_challenge(photo, challenge, 0.0), photo)
    dists = []
    for s in (0.25, 0.5, 1.0):
        out = apply_challenge(photo, challenge, s, seed=3)
        assert out.shape == photo.shape and out.min() >= 0 and out.max() <= 1
        assert np.array_equal(out, apply_challenge(photo, challenge, s, seed=3))
        dists.append(l2_distance(out, photo))
    assert 0 < dists[0] < dists[1] < dists[2]  # stronger means farther in pixel space
    gray = apply_challenge(to_gray(photo), challenge, 0.5)
    assert gray.shape == photo.shape[:2] and 0 <= gray.min() and gray.max() <= 1


def test_apply_challenge_seed_changes_the_picture(photo):
    outs = [apply_challenge(photo, "deformation", 0.5, seed=s) for s in range(3)]
    assert not np.array_equal(outs[0], outs[1]) or not np.array_equal(outs[0], outs[2])


def test_occlusion_covers_more_as_strength_grows(photo):
    covered = [np.mean(np.all(apply_challenge(photo, "occlusion", s) == 0.15, axis=-1))
               for s in (0.2, 0.6, 1.0)]
    assert covered[0] < covered[1] < covered[2] <= 0.66


def test_background_clutter_uses_the_background(photo):
    china = load_photo("china")[::8, ::8]
    out = apply_challenge(photo, "background clutter", 1.0, background=china)
    tiles = (out - 0.4 * photo) / 0.6  # the texture, taken out of the blend again
    # 3x3 tiles cover the first 78 columns: the same colours as china's, moved around
    np.testing.assert_allclose(np.sort(tiles[:, :78].ravel()), np.sort(china[:, :78].ravel()),
                               atol=1e-9)
    assert not np.allclose(tiles, china)
    with pytest.raises(ValueError, match="background"):
        apply_challenge(photo, "background clutter", 0.5, background=china[:10])


def test_apply_challenge_rejects_bad_input(photo):
    with pytest.raises(ValueError, match="challenge"):
        apply_challenge(photo, "rain", 0.5)
    with pytest.raises(ValueError, match="strength"):
        apply_challenge(photo, "viewpoint", 1.5)
    with pytest.raises(ValueError, match="strength"):
        apply_challenge(photo, "viewpoint", -0.1)
    with pytest.raises(ValueError, match="image"):
        apply_challenge(photo * 255, "viewpoint", 0.5)
    with pytest.raises(ValueError, match="image"):
        apply_challenge(np.zeros((4, 4, 2)), "viewpoint", 0.5)


def test_show_pixel_values_writes_every_number():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lib.plot import show_pixel_values

    image = np.arange(12.0).reshape(3, 4)
    ax = show_pixel_values(image, fmt="{:.0f}")
    assert [t.get_text() for t in ax.texts] == [str(v) for v in range(12)]
    assert ax.texts[0].get_color() == "black" and ax.texts[-1].get_color() == "white"  # gray_r
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="image"):
        show_pixel_values(np.zeros((2, 2, 3)))


def test_challenge_draws_are_the_random_choices_of_apply_challenge(photo):
    draws = {ch: challenge_draws(ch, photo.shape, seed=4) for ch in CHALLENGES}
    assert draws["viewpoint"]["sign"] in (-1, 1) and draws["occlusion"]["side"] in (0, 1)
    assert all(0.2 <= f <= 0.8 for f in draws["illumination"]["spot"])
    assert all(0 <= p < 2 * np.pi for p in draws["deformation"]["phase"])
    tiles = (54 // 16) * (80 // 16) * (54 // 3 == 18)  # 3x3 tiles: 18 rows of 26 whole tiles
    assert sorted(draws["background clutter"]["perm"]) == list(range(18 * 26)) and tiles
    assert draws == {ch: challenge_draws(ch, photo.shape, seed=4) for ch in CHALLENGES}
    # the occlusion board comes from the side the draw names
    side = draws["occlusion"]["side"]
    out = apply_challenge(photo, "occlusion", 0.2, seed=4)
    assert np.all(out[:, -1 if side else 0] == 0.15) and not np.all(out[:, 0 if side else -1] == 0.15)
    with pytest.raises(ValueError, match="challenge"):
        challenge_draws("rain", photo.shape)


def test_shrink_takes_block_means_on_byte_levels():
    image = np.zeros((5, 7))
    image[:2, :2] = [[0, 1], [1, 1]]
    out = shrink(image, 2)
    assert out.shape == (2, 3) and out[0, 0] == np.round(0.75 * 255) / 255 and out[1:].max() == 0
    rgb = shrink(load_photo("flower"), 5)
    assert rgb.shape == (85, 128, 3) and np.allclose(rgb * 255, np.round(rgb * 255))
    means = load_photo("flower")[:425].reshape(85, 5, 128, 5, 3).mean(axis=(1, 3))
    assert np.abs(rgb - means).max() <= 0.5 / 255
    for bad in (0, 2.5, True):
        with pytest.raises(ValueError, match="factor"):
            shrink(image, bad)
    with pytest.raises(ValueError, match="larger"):
        shrink(image, 6)
