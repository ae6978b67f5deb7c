"""lib.style: the book's figures are 2x PNGs that know their CSS width and their smallest text."""

import base64
import io

import matplotlib
import pytest
from PIL import Image

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from lib import style  # noqa: E402


def decode(result):
    data, metadata = result
    image = Image.open(io.BytesIO(base64.b64decode(data)))
    image.load()
    return image, metadata["width"]


@pytest.fixture(autouse=True)
def book_style():
    with matplotlib.rc_context(style.RC):
        yield
    plt.close("all")


def test_a_figure_is_stored_at_two_image_pixels_per_css_pixel():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    image, css_width = decode(style.figure_png(fig))
    assert image.size[0] == pytest.approx(2 * css_width, abs=2)
    assert css_width == pytest.approx(4 * style.CSS_PX_PER_INCH, rel=0.1)  # cropped to what it draws


def test_the_png_names_its_smallest_text_in_image_pixels():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    ax.set_title("a title", fontsize=14)
    ax.text(0.5, 0.5, "small print", fontsize=7)
    image, _ = decode(style.figure_png(fig))
    assert float(image.text[style.TEXT_KEY]) == pytest.approx(7 / 72 * style.DPI, abs=0.01)
    assert style.smallest_text_pt(fig) == 7
    ax.texts[0].set_visible(False)  # hidden text does not count
    assert style.smallest_text_pt(fig) == style.SMALL


def test_a_figure_with_no_text_names_none():
    fig = plt.figure(figsize=(2, 2))
    image, _ = decode(style.figure_png(fig))
    assert style.TEXT_KEY not in image.text


def test_a_heavy_figure_keeps_256_colours_and_its_text_size():
    import numpy as np

    fig, ax = plt.subplots(figsize=(5, 4))
    ax.imshow(np.random.default_rng(0).random((300, 300, 3)))  # noise: the worst case for PNG
    image, _ = decode(style.figure_png(fig))
    assert image.mode == "P" and len(image.getcolors(maxcolors=257)) <= 256
    assert float(image.text[style.TEXT_KEY]) == pytest.approx(style.SMALL / 72 * style.DPI, abs=0.01)


def test_the_book_style_keeps_figures_within_a_phone_s_reach():
    """The default figure, with the style's smallest text, shows that text at 9 CSS px or more on a
    phone's 358 px column."""
    width = style.RC["figure.figsize"][0]
    assert width <= style.MAX_WIDTH
    assert style.SMALL / 72 * style.CSS_PX_PER_INCH * 358 / (style.MAX_WIDTH * style.CSS_PX_PER_INCH) >= 9
    assert min(v for k, v in style.RC.items() if k.endswith("size") and not k.startswith("figure.fig")) \
        >= style.SMALL


def test_use_book_style_outside_jupyter_sets_the_defaults_only():
    style.use_book_style()
    assert matplotlib.rcParams["savefig.dpi"] == style.DPI
    assert matplotlib.rcParams["xtick.labelsize"] == style.SMALL


def test_figure_png_says_what_it_needs():
    with pytest.raises(TypeError, match="matplotlib Figure"):
        style.figure_png("not a figure")
