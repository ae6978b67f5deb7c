"""Chapter 10's page demos: lib/js/conv_arithmetic.js against lib.conv.conv_layer_stats for every
setting of its sliders, and lib/js/filters.js against lib.conv.conv_forward_im2col on the photos."""

import base64
import itertools

import numpy as np
import pytest

from lib.conv import conv_forward_im2col, conv_layer_stats
from lib.data import load_photo
from lib.images import shrink, to_gray
from lib.widgets import PageDemo, to_base64

RANGES = {"size": [1, 32], "kernel": [1, 11], "padding": [0, 5], "stride": [1, 6], "filters": [1, 16]}
CALL = "async (args) => { const m = await import('./widgets/%s.js'); return (%%s)(m, args); }"
ARITHMETIC, FILTERS = CALL % "conv_arithmetic", CALL % "filters"


def arithmetic_demo(**settings):
    """The demo as chapter 10 builds it."""
    state = dict(size=7, kernel=3, padding=0, stride=2, filters=1, channels=3, ranges=RANGES)
    return PageDemo("conv_arithmetic", **{**state, **settings})


def hand_filters():
    sobel_x = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    gauss_1d = np.exp(-np.arange(-2, 3) ** 2 / (2 * 1.0 ** 2))
    return {"Sobel x (vertical edges)": sobel_x, "Sobel y (horizontal edges)": sobel_x.T,
            "gradient magnitude": None, "box blur 5x5": np.full((5, 5), 1 / 25),
            "Gaussian blur 5x5, σ = 1": np.outer(gauss_1d, gauss_1d) / gauss_1d.sum() ** 2,
            "sharpen": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]])}


@pytest.fixture(scope="module")
def greys():
    return {name: shrink(to_gray(load_photo(name)), 3) for name in ["china", "flower"]}


def filters_demo(greys, **settings):
    """The demo as chapter 10 builds it."""
    filters = hand_filters()
    state = dict(photos={name: to_base64(255 * grey) for name, grey in greys.items()},
                 shape=list(greys["china"].shape), filter="Sobel x (vertical edges)", photo="china",
                 filters={name: None if k is None else k.tolist() for name, k in filters.items()},
                 kernel=filters["sharpen"].tolist())
    return PageDemo("filters", **{**state, **settings})


def test_the_states_are_small(greys):
    assert len(arithmetic_demo().static_html()) < 1_000
    assert len(filters_demo(greys).static_html()) < 150_000


def test_conv_arithmetic_is_lib_conv_for_every_setting(demo_page):
    page, errors = demo_page(arithmetic_demo())
    # every W, K, P, S of the sliders; the number of filters only multiplies, so three of them
    r = {**RANGES, "filters": [1, 7, 16]}
    js = page.evaluate(ARITHMETIC % """(m, r) => {
        const rows = [];
        for (let W = r.size[0]; W <= r.size[1]; W++) for (let K = r.kernel[0]; K <= r.kernel[1]; K++)
          for (let P = r.padding[0]; P <= r.padding[1]; P++) for (let S = r.stride[0]; S <= r.stride[1]; S++)
            for (const F of r.filters) {
              try {
                const s = m.convLayerStats([3, W, W + 1], F, K, P, S);
                const size = m.convOutputSize(W, K, P, S);
                rows.push([...s.outShape, ...s.weightShape, s.params, s.macs, +s.fits, size]);
              } catch (e) { rows.push(e instanceof RangeError ? null : String(e)); }
            }
        return rows; }""", r)
    settings = itertools.product(*(range(lo, hi + 1) for lo, hi in list(RANGES.values())[:4]), r["filters"])
    checked = 0
    for (W, K, P, S, F), row in zip(settings, js, strict=True):
        try:
            stats = conv_layer_stats((3, W, W + 1), F, K, P, S)
        except ValueError:
            assert row is None, f"W={W} K={K} P={P} S={S}: lib raises, the page gives {row}"
            continue
        expected = [*stats["out_shape"], *stats["weight_shape"], stats["params"], stats["macs"],
                    int(stats["fits"]), stats["out_shape"][1]]
        assert row == expected, f"W={W} K={K} P={P} S={S} F={F}"
        checked += 1
    assert checked > 30_000  # most settings have an output; those that do not are checked above
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("bundled", [False, True], ids=["static book", "Jupyter bundle"])
def test_conv_arithmetic_page(demo_page, every_control_changes_the_picture, bundled):
    page, errors = demo_page(arithmetic_demo(stride=3), bundled=bundled)
    said = page.locator("[aria-live]").inner_text()
    assert "output 1 x 2 x 2, 28 parameters, 108 multiply-adds" in said and "does not fit" in said
    assert page.locator("rect[fill='#f4b6a0']").count() == 13  # the last row and column: never covered
    every_control_changes_the_picture(page)
    page.locator("input[aria-label='padding P']").evaluate(
        "el => { el.value = 0; el.dispatchEvent(new Event('input')); }")
    page.locator("input[aria-label='input size W']").evaluate(
        "el => { el.value = 3; el.dispatchEvent(new Event('input')); }")
    page.locator("input[aria-label='filter size K']").evaluate(
        "el => { el.value = 11; el.dispatchEvent(new Event('input')); }")
    assert "no output" in page.locator("[aria-live]").inner_text()
    assert not errors, "\n".join(errors)


def test_conv_arithmetic_fits_a_phone(demo_page):
    page, errors = demo_page(arithmetic_demo(size=32, padding=5, filters=16, kernel=1, stride=1), phone=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    assert "output 16 x 42 x 42" in page.locator("[aria-live]").inner_text()
    sizes = page.locator("svg text").evaluate_all("ts => ts.map(t => t.getBoundingClientRect().height)")
    assert min(sizes) >= 12  # the titles stay legible
    assert not errors, "\n".join(errors)


def test_filters_conv2d_is_lib_conv(demo_page, greys):
    page, errors = demo_page(filters_demo(greys))
    rng = np.random.default_rng(0)
    kernels = [k for k in hand_filters().values() if k is not None]
    kernels += [rng.normal(size=(3, 3)), rng.normal(size=(4, 2))]
    for name, grey in greys.items():
        for kernel in kernels:
            for padding in {0, len(kernel) // 2, 2}:
                out = page.evaluate(FILTERS % """(m, [p, shape, k, pad]) => {
                    const r = m.conv2d(m.decodeBytes(p), shape, k, pad);
                    let text = "";
                    const bytes = new Uint8Array(r.out.buffer);
                    for (let i = 0; i < bytes.length; i += 8192) {
                      text += String.fromCharCode(...bytes.subarray(i, i + 8192));
                    }
                    return [btoa(text), r.shape]; }""",
                                    [to_base64(255 * grey), list(grey.shape), kernel.tolist(), padding])
                expected = conv_forward_im2col(grey[None, None], kernel[None, None], np.zeros(1),
                                               padding=padding)[0]
                assert out[1] == list(expected.shape[2:])
                js = np.frombuffer(base64.b64decode(out[0]), dtype="<f8").reshape(expected.shape[2:])
                np.testing.assert_allclose(js, expected[0, 0], rtol=0, atol=1e-9,
                                           err_msg=f"{name}, pad {padding}")
    # the gradient magnitude, and the display ranges the chapter used (numpy's percentiles)
    grey, filters = greys["flower"], hand_filters()
    same = lambda k: conv_forward_im2col(grey[None, None], k[None, None], np.zeros(1), padding=1)[0][0, 0]  # noqa: E731
    gx, gy = same(filters["Sobel x (vertical edges)"]), same(filters["Sobel y (horizontal edges)"])
    state = filters_demo(greys).filters
    laplace_kernel = np.array([[0.0, 1, 0], [1, -4, 1], [0, 1, 0]])  # sums to 0: shown signed
    magnitude, ranges = page.evaluate(FILTERS % """(m, [p, shape, filters, own]) => {
        const image = m.decodeBytes(p), mag = m.applyFilter("gradient magnitude", image, shape, filters, own);
        const sobel = m.applyFilter("Sobel x (vertical edges)", image, shape, filters, own);
        const mine = m.applyFilter("your own 3x3 kernel", image, shape, filters, own);
        return [[...mag], [m.displayRange("gradient magnitude", mag, own),
          m.displayRange("Sobel x (vertical edges)", sobel, own), m.displayRange("sharpen", mag, own),
          m.displayRange("your own 3x3 kernel", mine, own)]]; }""",
                                      [to_base64(255 * grey), list(grey.shape), state,
                                       laplace_kernel.tolist()])
    np.testing.assert_allclose(np.reshape(magnitude, grey.shape), np.hypot(gx, gy), rtol=0, atol=1e-9)
    laplace = same(laplace_kernel)
    near = lambda values, q: pytest.approx(np.percentile(values, q), rel=1e-9)  # noqa: E731
    assert ranges[0] == {"signed": False, "lo": 0, "hi": near(np.hypot(gx, gy), 99.5)}
    assert ranges[1] == {"signed": True, "lo": 0, "hi": near(np.abs(gx), 99)}
    assert ranges[2] == {"signed": False, "lo": 0, "hi": 1}
    assert ranges[3] == {"signed": True, "lo": 0, "hi": near(np.abs(laplace), 99)}
    values = rng.normal(size=101).tolist()
    for q in (0, 37.5, 99, 99.5, 100):
        js = page.evaluate(FILTERS % "(m, [v, q]) => m.percentile(v, q)", [values, q])
        assert js == pytest.approx(np.percentile(values, q), rel=1e-12)
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("bundled", [False, True], ids=["static book", "Jupyter bundle"])
def test_filters_page(demo_page, every_control_changes_the_picture, greys, bundled):
    page, errors = demo_page(filters_demo(greys), bundled=bundled)
    every_control_changes_the_picture(page)
    # typing into the kernel makes it the reader's own, and the picture follows
    page.locator("select").first.select_option(label="Sobel x (vertical edges)")
    canvas = page.locator("canvas")
    before = canvas.evaluate("c => c.toDataURL()")
    field = page.locator("input[aria-label='kernel row 2, column 2']")
    field.fill("3")
    assert page.locator("select").first.input_value() == '"your own 3x3 kernel"'
    assert "[-1, 0, 1; -2, 3, 2; -1, 0, 1]" in page.locator("[aria-live]").inner_text()
    assert canvas.evaluate("c => c.toDataURL()") != before
    field.press("End")
    field.type(".5")  # the field being typed into keeps its text
    assert field.input_value() == "3.5" and "-2, 3.5, 2" in page.locator("[aria-live]").inner_text()
    assert not errors, "\n".join(errors)


def test_filters_fit_a_phone(demo_page, greys):
    page, errors = demo_page(filters_demo(greys, filter="box blur 5x5"), phone=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.locator("select").first.select_option(label="your own 3x3 kernel")
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    for control in page.locator("select, input").all():
        box = control.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    assert canvas_width(page) > 300  # the photo takes the phone's width
    assert not errors, "\n".join(errors)


def canvas_width(page):
    return page.locator("canvas").evaluate("c => c.getBoundingClientRect().width")
