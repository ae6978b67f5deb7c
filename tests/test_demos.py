"""The demo mechanism: frames for every combination, a swap script, a widget view, clear errors."""

import base64
import json
import re

import pytest

from lib.demos import Demo


def draw(fig, k, metric):
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, k if metric == "L1" else -k])


def make():
    return Demo(draw, {"k": [1, 3, 5], "metric": ["L1", "L2"]}, defaults={"k": 3, "metric": "L1"}, title="t")


def payload(html):
    return json.loads(re.search(r'<script type="application/json"[^>]*>(.*?)</script>', html).group(1))


def test_html_has_one_distinct_frame_per_combination_in_row_major_order():
    demo = make()
    data = payload(demo.to_html())
    assert data["sizes"] == [3, 2]
    assert len(data["frames"]) == 6 == len(set(data["frames"]))
    # the starting frame (k=3, L1: index 1 * 2 + 0) is laid out on its own
    assert base64.b64decode(data["frames"][2]) == demo.render_png(k=3, metric="L1")
    assert data["alts"][5] == "t (k = 5, metric = L2)"  # alt text names the setting shown


def test_every_frame_reuses_the_starting_frames_layout():
    import io

    from PIL import Image

    demo = make()
    pngs = demo.render_all()
    assert len({Image.open(io.BytesIO(p)).size for p in pngs}) == 1
    # frame (k=5, L2) is drawn with the axes where the starting frame's layout put them
    start = demo.figure(k=3, metric="L1")
    start.savefig(io.BytesIO(), format="png")
    other = demo.figure(layout=None, k=5, metric="L2")
    other.axes[0].set_position(start.axes[0].get_position())
    buf = io.BytesIO()
    other.savefig(buf, format="png", dpi=demo.dpi)
    assert pngs[5] == buf.getvalue()


def test_html_starts_at_the_defaults_and_offers_a_slider_and_a_menu():
    html = make().to_html()
    assert 'type="range"' in html and "<select" in html
    assert re.search(r'data-axis="0" min="0" max="2" step="1" value="1"', html)
    start = re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1)
    assert start == payload(html)["frames"][1 * 2 + 0]  # k=3 (index 1), metric=L1 (index 0)


def test_mimebundle_carries_both_views():
    bundle = make()._repr_mimebundle_()
    assert "text/html" in bundle and "lib-demo" in bundle["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in bundle


@pytest.mark.parametrize("controls, defaults, match", [
    ({}, None, "non-empty"),
    ({"k": []}, None, "no values"),
    ({"k": [1, 1]}, None, "repeats"),
    ({"k": list(range(400))}, None, "frames"),
    ({"k": [1, 2]}, {"k": 7}, "not one of"),
    ({"k": [1, 2]}, {"j": 1}, "unknown"),
])
def test_bad_controls_are_rejected(controls, defaults, match):
    with pytest.raises(ValueError, match=match):
        Demo(draw, controls, defaults=defaults)


def test_draw_must_be_callable_and_figure_rejects_unknown_controls():
    with pytest.raises(TypeError, match="draw"):
        Demo("not a function", {"k": [1]})
    with pytest.raises(ValueError, match="unknown controls"):
        make().figure(j=2)
