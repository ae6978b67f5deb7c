"""The book's figure style, set in one place: legible on a phone and sharp on a 2x screen.

A figure is shown at ``CSS_PX_PER_INCH`` CSS pixels per inch where the column allows (a
5.4-inch figure is 540 px wide on a laptop), and stored at ``DPI`` image pixels per inch, so a
2x screen gets two image pixels per CSS pixel. On a 390 px phone the column is about 350 px
wide and a wide figure shrinks to fit: a figure at most ``MAX_WIDTH`` inches wide whose
smallest text is ``SMALL`` points shows that text at 9 CSS pixels or more. Multi-panel figures
therefore stack their panels (two per row at most) instead of growing wider.

``use_book_style()`` (the first cell of every chapter calls it) sets matplotlib's defaults and
makes Jupyter show each figure as such a PNG, with its size in CSS pixels and the size of its
smallest text written into the PNG, where the browser tests read it (``TEXT_KEY``).

Introduced in the chapter on image classification; every chapter uses it.
"""

import base64
import io
import struct
import zlib

DPI = 200  # image pixels per inch
CSS_PX_PER_INCH = 100  # the size a figure is shown at, where the column is wide enough
MAX_WIDTH = 5.4  # inches: 10-point text at 9 CSS px on a 390 px phone
SMALL = 10  # points: the smallest text a figure may carry
TEXT_KEY = "lib:smallest-text-px"
PALETTE_ABOVE = 40_000  # bytes: a larger PNG keeps 256 colours (a page loads at most 1 MB of its own)

RC = {
    "figure.figsize": (MAX_WIDTH, 3.4),
    "figure.dpi": CSS_PX_PER_INCH,
    "figure.constrained_layout.use": True,
    "font.size": 11,
    "axes.titlesize": 11,
    "axes.labelsize": 11,
    "xtick.labelsize": SMALL,
    "ytick.labelsize": SMALL,
    "legend.fontsize": SMALL,
    "legend.title_fontsize": SMALL,
    "figure.titlesize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "savefig.dpi": DPI,
    "savefig.bbox": "tight",
}


def use_book_style():
    """Set matplotlib's defaults to the book's, and show figures in Jupyter as 2x PNGs."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    mpl.rcParams.update(RC)
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    plt.switch_backend(mpl.get_backend())  # load it now: the inline backend sets its formatter as it loads
    formatters = shell.display_formatter.formatters
    for formatter in formatters.values():
        formatter.pop(Figure, None)
    formatters["image/png"].for_type(Figure, figure_png)


def smallest_text_pt(fig):
    """The size in points of the smallest visible text in a drawn figure (None when it has none)."""
    from matplotlib.text import Text

    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes) if sizes else None


def figure_png(fig):
    """A figure as (base64 PNG, {"width": CSS px}): DPI pixels per inch, cropped to what it draws.

    The PNG carries the height of its smallest text in image pixels under TEXT_KEY. One larger
    than PALETTE_ABOVE bytes is reduced to 256 colours, a quarter to a sixth of its weight, with
    no difference a reader sees in a plot (a photograph's sky may band slightly).
    """
    if not hasattr(fig, "savefig") or not hasattr(fig, "findobj"):
        raise TypeError(f"figure_png needs a matplotlib Figure, got {type(fig).__name__}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    png = buffer.getvalue()
    if len(png) > PALETTE_ABOVE:
        png = _with_256_colours(png)
    width_px = struct.unpack(">I", png[16:20])[0]  # IHDR: the first chunk after the signature
    size = smallest_text_pt(fig)
    if size is not None:
        png = _with_text_chunk(png, TEXT_KEY, f"{size / 72 * DPI:.2f}")
    return base64.b64encode(png).decode("ascii"), {"width": round(width_px * CSS_PX_PER_INCH / DPI)}


def _with_256_colours(png):
    from PIL import Image

    buffer = io.BytesIO()
    with Image.open(io.BytesIO(png)) as image:
        image.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE).save(
            buffer, format="png", optimize=True, dpi=(DPI, DPI))
    return buffer.getvalue()


def _with_text_chunk(png, key, value):
    """The PNG with a tEXt chunk (key, value) inserted after its header chunk."""
    data = key.encode("latin-1") + b"\0" + value.encode("latin-1")
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data + struct.pack(">I", zlib.crc32(b"tEXt" + data))
    end_of_header = 8 + 8 + 13 + 4  # signature, IHDR's length and type, its 13 bytes, its CRC
    return png[:end_of_header] + chunk + png[end_of_header:]
