"""lib/js/challenges.js, chapter 1's "the label stays, the numbers move": the page's transforms
against lib.images.apply_challenge on the same (8-bit) images, the 3s in lib's order, and the page."""

import base64
import re

import numpy as np
import pytest

from lib.data import load_digit_images, load_photo
from lib.images import CHALLENGES, apply_challenge, challenge_draws, l2_distance, shrink
from lib.widgets import PageDemo, to_base64

JS = "async (args) => { const m = await import('./widgets/challenges.js'); return (%s)(m, args); }"


def challenges_demo(**settings):
    """The demo as chapter 1 builds it."""
    photo, clutter = shrink(load_photo("flower"), 5), shrink(load_photo("china"), 5)
    images, labels = load_digit_images()
    threes = images[labels == 3]
    state = dict(photo=to_base64(255 * photo), background=to_base64(255 * clutter),
                 shape=list(photo.shape[:2]), photo_name="flower",
                 draws={ch: challenge_draws(ch, photo.shape) for ch in CHALLENGES},
                 threes=to_base64(threes), challenge="viewpoint", strength=0.5)
    return photo, clutter, threes / 16, PageDemo("challenges", **{**state, **settings})


@pytest.fixture(scope="module")
def demo():
    return challenges_demo()


def test_the_state_is_small(demo):
    assert len(demo[3].static_html()) < 150_000


@pytest.mark.parametrize("bundled", [False, True], ids=["static book", "Jupyter bundle"])
def test_the_page_computes_what_lib_computes(demo_page, every_control_changes_the_picture, demo, bundled):
    photo, clutter, threes, widget = demo
    page, errors = demo_page(widget, bundled=bundled)
    H, W = photo.shape[:2]
    # strengths that put the occlusion board's edge on a half pixel test round()'s halves too
    near = [((k + 0.5) / W - 0.3) / 0.35 for k in (50, 61, 77)]
    halves = sorted({float(s) for t in near for s in np.nextafter(t, [0, 1, 2])
              if ((0.3 + 0.35 * s) * W) % 1 == 0.5})
    assert halves, "no strength puts the board's edge on a half pixel"
    cases = [(ch, s, seed) for ch in CHALLENGES for s, seed in [(0.0, 0), (0.37, 0), (0.871, 1), (1.0, 2)]]
    cases += [("occlusion", s, seed) for s in halves for seed in (0, 1)]
    outs = page.evaluate(JS % """(m, [cases, shape, p, b]) => cases.map(([ch, s, d]) => {
        const out = m.applyChallenge(m.decodeBytes(p), shape, ch, s, d, m.decodeBytes(b));
        let text = "";  // the doubles' bytes, as base64
        const bytes = new Uint8Array(out.buffer);
        for (let i = 0; i < bytes.length; i += 8192) {
          text += String.fromCharCode(...bytes.subarray(i, i + 8192));
        }
        return btoa(text); })""", [[(ch, s, challenge_draws(ch, photo.shape, seed)) for ch, s, seed in cases],
                                  [H, W, 3], widget.photo, widget.background])
    for (challenge, strength, seed), out in zip(cases, outs, strict=True):
        js = np.frombuffer(base64.b64decode(out), dtype="<f8").reshape(photo.shape)
        expected = apply_challenge(photo, challenge, strength, seed, background=clutter)
        np.testing.assert_allclose(js, expected, rtol=0, atol=1e-9,
                                   err_msg=f"{challenge} at {strength}, seed {seed}")
    # grey images too (one channel), and the image's own tiles as clutter
    grey = photo[..., 1]
    for challenge in CHALLENGES:
        draws = challenge_draws(challenge, grey.shape, 2)
        js = page.evaluate(JS % "(m, [img, ch, d, shape]) => [...m.applyChallenge(Float64Array.from(img),"
                           " shape, ch, 0.7, d)]", [grey.ravel().tolist(), challenge, draws, [H, W, 1]])
        np.testing.assert_allclose(np.reshape(js, grey.shape), apply_challenge(grey, challenge, 0.7, 2),
                                   rtol=0, atol=1e-9, err_msg=challenge)
    # the 3s: the slider walks through them from the nearest to the farthest from the first
    order = page.evaluate(JS % "(m, t) => m.orderByDistance(t.map((x) => Float64Array.from(x)), t[0])",
                          threes.reshape(len(threes), -1).tolist())
    distances = np.sqrt(((threes - threes[0]) ** 2).sum(axis=(1, 2)))
    np.testing.assert_array_equal(order, np.argsort(distances, kind="stable"))
    pair = [photo.ravel().tolist(), clutter.ravel().tolist()]
    apart = page.evaluate(JS % "(m, [a, b]) => m.l2Distance(a, b)", pair)
    assert apart == pytest.approx(l2_distance(photo, clutter), rel=1e-12)
    xs = [0.5, 1.5, 2.5, 2.4999, -0.5, 3.0]
    assert page.evaluate(JS % "(m, xs) => xs.map(m.roundHalfEven)", xs) == [round(x) for x in xs]

    every_control_changes_the_picture(page)
    assert not errors, "\n".join(errors)


def test_the_picture_and_sentence_follow_the_controls(demo_page, demo):
    page, errors = demo_page(challenges_demo(challenge="occlusion", strength=1.0)[3])
    photo, clutter = demo[0], demo[1]
    said = page.locator("[aria-live]")
    expected = l2_distance(photo, apply_challenge(photo, "occlusion", 1.0, background=clutter))
    assert f"{expected:.2f}" in said.inner_text()
    assert f"{l2_distance(photo, clutter):.1f} apart" in said.inner_text()
    canvas = page.locator("canvas").nth(1)
    before = canvas.evaluate("c => c.toDataURL()")
    page.locator("input[type=range]").evaluate(
        "el => { el.value = 0.2; el.dispatchEvent(new Event('input')) }")
    assert canvas.evaluate("c => c.toDataURL()") != before
    page.locator("select").select_option(label="intra-class variation")
    threes = demo[2]
    distances = np.sort(np.sqrt(((threes - threes[0]) ** 2).sum(axis=(1, 2))))
    rank = round(0.2 * (len(threes) - 1))
    assert f"the {rank + 1}th nearest" in said.inner_text()
    shown = float(re.search(r"L2 distance is ([0-9.]+)", said.inner_text()).group(1))
    assert shown == pytest.approx(distances[rank], abs=0.0051)
    assert page.locator("canvas").nth(1).evaluate("c => [c.width, c.height]") == [8, 8]
    assert not errors, "\n".join(errors)


def test_it_fits_a_phone(demo_page, demo):
    page, errors = demo_page(demo[3], phone=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    for control in page.locator("select, input[type=range]").all():
        assert control.bounding_box()["height"] >= 44
    widths = page.locator("canvas").evaluate_all("cs => cs.map(c => c.getBoundingClientRect().width)")
    assert min(widths) > 150  # side by side, each at least 150 CSS px: at 2x, more pixels than the photo has
    assert not errors, "\n".join(errors)
