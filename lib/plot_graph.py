"""Computational graphs drawn as the lectures draw them: boxes for values and operations, each
edge carrying its forward value above and its gradient below (the chapter on backpropagation).
"""

from lib.plot import PALETTE, axes_or_new
from lib.style import SMALL


def _graph_layout(order, wrap=None):
    """Columns and rows of the nodes of a computational graph (order: inputs before outputs).

    wrap: at most this many operation columns side by side; the graph goes on in bands below
    (at negative rows), each leaf in the band of its first consumer, below its operations.
    """
    col = {}
    for node in order:
        col[id(node)] = 1 + max(col[id(p)] for p in node.inputs) if node.inputs else 0
    first_consumer = {}
    for node in reversed(order):  # a leaf sits just left of its first consumer
        consumers = [col[id(c)] for c in order if any(p is node for p in c.inputs)]
        if not node.inputs and consumers:
            col[id(node)] = min(consumers) - 1
            first_consumer[id(node)] = min(consumers)
    band = {id(node): 0 for node in order}
    if wrap is not None:
        if isinstance(wrap, bool) or not isinstance(wrap, int) or wrap < 1:
            raise ValueError(f"wrap must be an integer >= 1 or None, got {wrap!r}")
        start = min((col[id(n)] for n in order if n.inputs), default=0)  # the first operation column
        for node in order:
            c = col[id(node)] if node.inputs else first_consumer.get(id(node), start)
            band[id(node)] = max(0, c - start) // wrap
            col[id(node)] -= band[id(node)] * wrap
    height = {}
    rows, pos = {}, {}
    for node in sorted(order, key=lambda n: not n.inputs):  # operations take the lowest rows
        key = (band[id(node)], col[id(node)])
        rows[key] = rows.get(key, -1) + 1
        height[band[id(node)]] = max(height.get(band[id(node)], 0), rows[key] + 1)
        pos[id(node)] = (col[id(node)], rows[key])
    top, bottom = [0.0], [0.0]  # the operations' row of each band, and its lowest row
    for b in range(1, max(band.values()) + 1):  # a band's leaves sit below its operations,
        top.append(bottom[-1] - 1.3)            # clear of the edge coming in from the band above
        bottom.append(top[-1] - (height.get(b, 1) - 1))
    for node in order:
        b = band[id(node)]
        c, r = pos[id(node)]
        pos[id(node)] = (c, r if b == 0 else top[b] - r)
    return pos


def plot_computational_graph(output, ax=None, fmt="{:.3g}", show_grads=True, box_color=None, wrap=None):
    """Draw the graph behind a lib.autodiff.Value (introduced in the chapter on backpropagation).

    Each node is a box (a leaf shows its label; an operation its op and, if any, its label).
    Each edge carries its source's forward value above it (blue) and, with show_grads, the
    gradient dL/d(source) below it (vermillion), as in the lectures' worked example.
    wrap: at most this many operation columns side by side, the rest in bands below (a long
    graph in a narrow figure); None: one band.
    """
    ax = axes_or_new(ax)
    order = output.topological_order()
    pos = _graph_layout(order, wrap)
    xy = {key: (1.7 * c, 1.25 * r) for key, (c, r) in pos.items()}
    boxes = {"boxstyle": "round,pad=0.35", "fc": box_color or "#EEF3F8", "ec": "#555555"}
    for node in order:
        x1, y1 = xy[id(node)]
        op = {"*": "×", "-": "−", "neg": "−( )"}.get(node.op, node.op.replace("**", "( )^"))
        text = node.label if not node.op else op + (f"\n{node.label}" if node.label else "")
        ax.text(x1, y1, text, ha="center", va="center", fontsize=SMALL, bbox=boxes, zorder=3)
        for parent in node.inputs:
            x0, y0 = xy[id(parent)]
            ax.annotate("", (x1, y1), (x0, y0), arrowprops={"arrowstyle": "->", "color": "#777777",
                                                            "shrinkA": 14, "shrinkB": 14}, zorder=1)
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2
            # on a slanted edge the two numbers step aside, into the corners the line leaves free
            side = 0 if y0 == y1 else 1 if (y1 - y0) * (x1 - x0) < 0 else -1
            align = {0: "center", 1: "left", -1: "right"}
            ax.text(mx + 0.1 * side, my + 0.12, fmt.format(parent.data), color=PALETTE[0],
                    ha=align[side], va="bottom", fontsize=SMALL)
            if show_grads:
                ax.text(mx - 0.1 * side, my - 0.12, fmt.format(parent.grad), color=PALETTE[5],
                        ha=align[-side], va="top", fontsize=SMALL)
    x_out, y_out = xy[id(output)]
    ax.text(x_out + 0.5, y_out + 0.12, fmt.format(output.data), color=PALETTE[0], va="bottom", fontsize=SMALL)
    if show_grads:
        ax.text(x_out + 0.5, y_out - 0.12, fmt.format(output.grad), color=PALETTE[5], va="top",
                fontsize=SMALL)
    xs, ys = zip(*xy.values(), strict=True)
    ax.set(xlim=(min(xs) - 0.7, max(xs) + 1.1), ylim=(min(ys) - 0.6, max(ys) + 0.6))
    ax.axis("off")
    return ax
