"""Images as arrays of numbers: grey levels, shifts, tints, distances, and the decks' challenges.

An RGB image is an array (H, W, 3) of floats in [0, 1]; a grey image is (H, W). Everything here
returns a new array and leaves its input alone. Introduced in the chapter on image
classification, where these functions show that the label of a picture can stay the same
while almost every number in it changes.
"""

import numpy as np

from lib._checks import integer

CHALLENGES = ("viewpoint", "illumination", "deformation", "occlusion", "background clutter")

# ITU-R BT.601 luma weights: how bright each primary looks to the eye.
LUMA = np.array([0.299, 0.587, 0.114])


def _check_image(image, name="image", rgb_only=False):
    image = np.asarray(image, dtype=np.float64)
    ok_shape = (image.ndim == 3 and image.shape[2] == 3) or (image.ndim == 2 and not rgb_only)
    if not ok_shape:
        want = "(H, W, 3)" if rgb_only else "(H, W) or (H, W, 3)"
        raise ValueError(f"{name} must have shape {want}, got {image.shape}")
    if image.size == 0 or not np.all((image >= 0) & (image <= 1)):
        raise ValueError(f"{name} must be a non-empty array of values in [0, 1]")
    return image


def to_gray(image):
    """Luminance of an RGB image: (H, W, 3) in [0, 1] -> (H, W), the BT.601 weighted sum."""
    return _check_image(image, rgb_only=True) @ LUMA


def l2_distance(a, b):
    """Euclidean distance sqrt(sum((a - b)**2)) between two arrays of the same shape."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    return float(np.sqrt(np.sum((a - b) ** 2)))


def shift_image(image, dx, dy):
    """A copy of image (H, W) or (H, W, C) moved right by dx and down by dy pixels.

    dx, dy: integers of either sign. The uncovered border repeats the nearest edge pixel.
    """
    image = np.asarray(image)
    if image.ndim not in (2, 3):
        raise ValueError(f"image must have shape (H, W) or (H, W, C), got {image.shape}")
    for name, value in (("dx", dx), ("dy", dy)):
        if not isinstance(value, int | np.integer):
            raise TypeError(f"{name} must be an integer number of pixels, got {value!r}")
    H, W = image.shape[:2]
    px, py = abs(int(dx)), abs(int(dy))
    padded = np.pad(image, [(py, py), (px, px)] + [(0, 0)] * (image.ndim - 2), mode="edge")
    # out[r, c] = image[r - dy, c - dx]; image[r', c'] sits at padded[r' + py, c' + px]
    return padded[py - dy:py - dy + H, px - dx:px - dx + W].copy()


def tint_to_distance(image, target_distance, color=(1.0, 0.5, 0.0)):
    """image (H, W, 3) blended toward color until its L2 distance to image is target_distance.

    The blend (1 - t) * image + t * color stays in [0, 1] for t in [0, 1], and its distance to
    image is t * ||color - image||, so t is solved for in closed form. The farthest reachable
    distance (t = 1) is ||color - image||; a target beyond it, or below 0, is a ValueError.
    """
    image = _check_image(image, rgb_only=True)
    color = np.asarray(color, dtype=np.float64)
    if color.shape != (3,) or not np.all((color >= 0) & (color <= 1)):
        raise ValueError(f"color must be three values in [0, 1], got {color!r}")
    full = np.broadcast_to(color, image.shape) - image
    reach = float(np.sqrt(np.sum(full ** 2)))
    if not 0 <= target_distance <= reach:
        raise ValueError(f"target_distance must be in [0, {reach:.6g}] (the distance of the full "
                         f"tint) for this image and color, got {target_distance}")
    t = target_distance / reach if reach > 0 else 0.0
    return image + t * full


def shrink(image, factor):
    """A smaller image (H, W) or (H, W, 3): the mean of every factor x factor block, rounded to the
    256 levels of a byte, as the photographs were stored. The last H % factor rows and W % factor
    columns are dropped. Small enough to hand to a page demo (see lib.widgets.to_base64).
    """
    image = _check_image(image)
    factor = integer("factor", factor, 1)
    H, W = image.shape[0] // factor, image.shape[1] // factor
    if H == 0 or W == 0:
        raise ValueError(f"factor {factor} is larger than the image {image.shape[:2]}")
    blocks = image[:H * factor, :W * factor].reshape(H, factor, W, factor, *image.shape[2:])
    return np.round(blocks.mean(axis=(1, 3)) * 255) / 255


def edge_magnitude(image, sigma=1.0):
    """Gradient magnitude of a Gaussian-smoothed grey image, the first step of Canny's detector.

    image: (H, W) or (H, W, 3) in [0, 1]. Returns (H, W), in grey levels per pixel.
    """
    from scipy import ndimage

    image = _check_image(image)
    gray = to_gray(image) if image.ndim == 3 else image
    if sigma < 0:
        raise ValueError(f"sigma must be non-negative, got {sigma}")
    smooth = ndimage.gaussian_filter(gray, sigma) if sigma > 0 else gray
    # the Sobel kernel is [1, 2, 1] x [-1, 0, 1]: dividing by 8 gives the slope per pixel
    gx, gy = ndimage.sobel(smooth, axis=1) / 8, ndimage.sobel(smooth, axis=0) / 8
    return np.hypot(gx, gy)


def _ink_runs(inked):
    """Number of separate ink strokes along each row of a boolean array (N, L)."""
    starts = np.diff(inked.astype(np.int8), axis=1, prepend=0) == 1
    return starts.sum(axis=1)


def ink_features(images):
    """Hand-made measurements of digit images (N, H, W) in [0, 1], for a rule-based classifier.

    Returns a dict of (N,) arrays, all about where the ink is: "hole" (1 minus the ink of the
    central 2x2 relative to the image's mean: high for an empty centre), "width" (fraction of
    columns with ink), "top" and "left" (share of the ink in the upper / left half), "top_bar"
    and "bottom_bar" (share in the first / last quarter of the rows), "row_strokes" (strokes
    crossed walking along the row just below the middle) and "col_strokes" (strokes crossed
    walking down the column just left of the middle).
    """
    X = np.asarray(images, dtype=np.float64)
    if X.ndim != 3 or min(X.shape[1:]) < 4:
        raise ValueError(f"images must have shape (N, H, W) with H, W >= 4, got {X.shape}")
    _, H, W = X.shape
    total = X.sum(axis=(1, 2)) + 1e-12
    mean = total / (H * W)
    inked = X > 0.4
    share = lambda part: part.sum(axis=(1, 2)) / total  # noqa: E731
    return {
        "hole": 1 - X[:, H // 2 - 1:H // 2 + 1, W // 2 - 1:W // 2 + 1].mean(axis=(1, 2)) / mean,
        "width": inked.any(axis=1).mean(axis=1),
        "top": share(X[:, :H // 2]),
        "left": share(X[:, :, :W // 2]),
        "top_bar": share(X[:, :H // 4]),
        "bottom_bar": share(X[:, H - H // 4:]),
        "row_strokes": _ink_runs(inked[:, H // 2 + 1]),
        "col_strokes": _ink_runs(inked[:, :, W // 2 - 1]),
    }


def challenge_draws(challenge, shape, seed=0):
    """The random choices apply_challenge makes for challenge on an image of shape (H, W[, 3]).

    A dict of plain numbers (JSON): "sign" (viewpoint: which way it turns, -1 or 1), "spot"
    (illumination: the light's centre as fractions [row, column] of the size), "phase"
    (deformation: two phases in radians), "side" (occlusion: 0 = from the left, 1 = the right),
    "perm" (background clutter: which tile goes where). The same seed gives the same draws; a
    page that is given them computes the very pictures apply_challenge computes.
    """
    if challenge not in CHALLENGES:
        raise ValueError(f"challenge must be one of {CHALLENGES}, got {challenge!r}")
    rng = np.random.default_rng(seed)
    if challenge == "viewpoint":
        return {"sign": int(rng.choice([-1, 1]))}
    if challenge == "illumination":
        return {"spot": [float(rng.uniform(0.2, 0.8)), float(rng.uniform(0.2, 0.8))]}
    if challenge == "deformation":
        return {"phase": rng.uniform(0, 2 * np.pi, size=2).tolist()}
    if challenge == "occlusion":
        return {"side": int(rng.integers(2))}
    return {"perm": rng.permutation(len(_tiles(shape)[1])).tolist()}


def _viewpoint(image, s, draws):
    """A projective warp: rotation, and one side pushed away from the camera."""
    from scipy import ndimage

    H, W = image.shape[:2]
    angle = np.deg2rad(25 * s) * draws["sign"]
    c, si = np.cos(angle), np.sin(angle)
    r, col = np.mgrid[0:H, 0:W].astype(np.float64)
    u, v = (col - W / 2) / W, (r - H / 2) / W  # centred, in image widths
    w = 1 + 0.9 * s * u  # the perspective term: the right side recedes
    src_u, src_v = (c * u - si * v) / w * (1 + 0.3 * s), (si * u + c * v) / w * (1 + 0.3 * s)
    coords = [src_v * W + H / 2, src_u * W + W / 2]
    return _per_channel(image, lambda ch: ndimage.map_coordinates(ch, coords, order=1,
                                                                   mode="nearest"))


def _illumination(image, s, draws):
    """Darker overall, with a bright spot of light at a random place: uneven lighting."""
    H, W = image.shape[:2]
    cy, cx = draws["spot"][0] * H, draws["spot"][1] * W
    r, c = np.mgrid[0:H, 0:W]
    spot = np.exp(-((r - cy) ** 2 + (c - cx) ** 2) / (2 * (0.2 * max(H, W)) ** 2))
    gain = (1 - 0.85 * s) + 1.6 * s * spot
    return image * (gain[..., None] if image.ndim == 3 else gain)


def _deformation(image, s, draws):
    """A smooth sinusoidal warp, as if the object bent: each pixel moves by up to 5% of the size."""
    from scipy import ndimage

    H, W = image.shape[:2]
    r, c = np.mgrid[0:H, 0:W].astype(np.float64)
    amp, phase = 0.05 * s * min(H, W), draws["phase"]
    dr = amp * np.sin(2 * np.pi * c / (0.6 * W) + phase[0])
    dc = amp * np.sin(2 * np.pi * r / (0.5 * H) + phase[1])
    coords = [r + dr, c + dc]
    return _per_channel(image, lambda ch: ndimage.map_coordinates(ch, coords, order=1,
                                                                   mode="nearest"))


def _occlusion(image, s, draws):
    """A dark board sliding in from the left or right, reaching past the centre as s grows."""
    W = image.shape[1]
    width = int(round((0.3 + 0.35 * s) * W))
    out = image.copy()
    if draws["side"] == 0:
        out[:, :width] = 0.15
    else:
        out[:, W - width:] = 0.15
    return out


def _tiles(shape):
    """The top-left corners of the square tiles that background clutter shuffles, row by row."""
    H, W = shape[:2]
    tile = max(1, min(H, W) // 16)
    return tile, [(i, j) for i in range(0, H - tile + 1, tile) for j in range(0, W - tile + 1, tile)]


def _clutter(image, s, draws, background):
    """The image blended with a busy texture: background (or the image) cut in tiles and shuffled."""
    tile, blocks = _tiles(image.shape)
    source = image if background is None else background
    texture = source.copy()
    for (i, j), k in zip(blocks, draws["perm"], strict=True):
        a, b = blocks[k]
        texture[i:i + tile, j:j + tile] = source[a:a + tile, b:b + tile]
    alpha = 0.6 * s
    return (1 - alpha) * image + alpha * texture


def _per_channel(image, fn):
    if image.ndim == 2:
        return fn(image)
    return np.stack([fn(image[..., k]) for k in range(image.shape[2])], axis=-1)


def apply_challenge(image, challenge, strength, seed=0, *, background=None):
    """image (H, W) or (H, W, 3) in [0, 1] changed by one of CHALLENGES, at strength in [0, 1].

    Returns an array of the same shape in [0, 1]; strength 0 returns an unchanged copy.
    The same seed gives the same picture. background: an optional image of the same shape
    whose shuffled tiles make the clutter for "background clutter" (by default, the image's own).
    """
    image = _check_image(image)
    if challenge not in CHALLENGES:
        raise ValueError(f"challenge must be one of {CHALLENGES}, got {challenge!r}")
    if not 0 <= strength <= 1:
        raise ValueError(f"strength must be in [0, 1], got {strength}")
    if background is not None:
        background = _check_image(background, name="background")
        if background.shape != image.shape:
            raise ValueError(f"background must have the image's shape {image.shape}, "
                             f"got {background.shape}")
    if strength == 0:
        return image.copy()
    draws = challenge_draws(challenge, image.shape, seed)
    if challenge == "background clutter":
        out = _clutter(image, strength, draws, background)
    else:
        out = {"viewpoint": _viewpoint, "illumination": _illumination,
               "deformation": _deformation, "occlusion": _occlusion}[challenge](image, strength, draws)
    return np.clip(out, 0.0, 1.0)
