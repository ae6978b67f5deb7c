// Capacity and regularization: the decision regions of 2-H-3 ReLU networks trained on three spiral
// arms, for each hidden size H and L2 strength λ, computed in the page from the trained weights. A probe
// point, dragged anywhere, shows the network's class probabilities there. The numerics are the exported
// pure functions (checked against torch by the browser test).

import { PALETTE, axes, draggable, figure, handle, layout, plotArea, redrawOn, scale, select, svg } from "./ui.js";

// Class scores W2 max(0, W1 p + b1) + b2 of each point p; net: { W1: (H, 2), b1: (H), W2: (3, H), b2: (3) }.
export function mlpScores(net, pts) {
  return pts.map(([x0, x1]) => {
    const h = net.b1.map((b, j) => Math.max(0, net.W1[j][0] * x0 + net.W1[j][1] * x1 + b));
    return net.b2.map((b, c) => h.reduce((sum, hj, j) => sum + net.W2[c][j] * hj, b));
  });
}

export function softmax(scores) {
  const top = Math.max(...scores), e = scores.map((s) => Math.exp(s - top)), total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

export const argmax = (values) => values.indexOf(Math.max(...values));

export function accuracy(net, pts, labels) {
  return mlpScores(net, pts).filter((s, i) => argmax(s) === labels[i]).length / labels.length;
}

const COLORS = [PALETTE[0], PALETTE[1], PALETTE[2]];
const RESOLUTION = 120;  // the regions are a RESOLUTION x RESOLUTION image

const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

function render({ model, el }) {
  const hidden = model.get("hidden_sizes"), l2 = model.get("l2_strengths"), nets = model.get("nets");
  const pts = model.get("X"), labels = model.get("y"), valPts = model.get("X_val"), valLabels = model.get("y_val");
  const [x0, x1, y0, y1] = model.get("extent");
  const { controls, figures, said } = layout(el, "capacity");
  select(controls, model, "hidden", { label: "hidden units H", options: hidden });
  select(controls, model, "l2", { label: "L2 strength λ", options: l2.map((v) => [v, `${v}`]) });

  // the regions (an image drawn on a canvas), the training points, and the probe
  const fig = figure(figures, { width: 320, height: 320, margin: [24, 8, 34, 40] });
  const sx = scale([x0, x1], [fig.left, fig.right]), sy = scale([y0, y1], [fig.bottom, fig.top]);
  const image = svg("image", { x: fig.left, y: fig.top, width: fig.right - fig.left, height: fig.bottom - fig.top,
    preserveAspectRatio: "none", style: "image-rendering: pixelated" }, fig.node);
  axes(fig, sx, sy, { xLabel: "x[0]", yLabel: "x[1]" });
  const inside = plotArea(fig);
  for (const [i, [a, b]] of pts.entries()) {
    svg("circle", { cx: sx(a), cy: sy(b), r: 3.2, fill: COLORS[labels[i]], stroke: "white", "stroke-width": 0.8 },
      inside);
  }
  const title = svg("text", { x: fig.width / 2, y: 16, "text-anchor": "middle", "font-size": 13 }, fig.node);
  const probe = handle(fig.node, { color: PALETTE[7] });
  draggable(probe, fig, ([px, py]) => {
    model.set("probe", [sx.invert(px), sy.invert(py)]);
    model.save_changes();
  }, { label: "probe point", current: () => [sx(model.get("probe")[0]), sy(model.get("probe")[1])] });

  // the class probabilities at the probe
  const bars = figure(figures, { width: 300, height: 200, margin: [24, 10, 34, 44] });
  const bx = scale([-0.5, 2.5], [bars.left, bars.right]), by = scale([0, 1], [bars.bottom, bars.top]);
  axes(bars, bx, by, { xLabel: "class", yLabel: "probability", xTicks: [0, 1, 2], yTicks: [0, 0.5, 1] });
  const barRects = COLORS.map((color) => svg("rect", { fill: color, width: bx(0.35) - bx(0) }, bars.node));
  const barTitle = svg("text", { x: bars.width / 2, y: 16, "text-anchor": "middle", "font-size": 13 }, bars.node);

  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = RESOLUTION;
  const context = canvas.getContext("2d"), pixels = context.createImageData(RESOLUTION, RESOLUTION);
  const grid = [];
  for (let r = 0; r < RESOLUTION; r++) {
    for (let c = 0; c < RESOLUTION; c++) {
      grid.push([x0 + ((c + 0.5) / RESOLUTION) * (x1 - x0), y1 - ((r + 0.5) / RESOLUTION) * (y1 - y0)]);
    }
  }
  let shown = null;
  const current = () => nets[hidden.indexOf(model.get("hidden")) * l2.length + l2.indexOf(model.get("l2"))];

  redrawOn(model, ["hidden", "l2", "probe"], () => {
    const net = current();
    if (net !== shown) {  // the regions: each pixel the colour of its class, paler where the net is unsure
      mlpScores(net, grid).forEach((scores, i) => {
        const p = softmax(scores), k = argmax(p), mix = 0.12 + 0.4 * (p[k] - 1 / 3) * 1.5;
        rgb(COLORS[k]).forEach((v, ch) => { pixels.data[4 * i + ch] = Math.round(255 + (v - 255) * mix); });
        pixels.data[4 * i + 3] = 255;
      });
      context.putImageData(pixels, 0, 0);
      image.setAttribute("href", canvas.toDataURL());
      shown = net;
    }
    const trainAcc = accuracy(net, pts, labels), valAcc = accuracy(net, valPts, valLabels);
    title.textContent = `train ${(100 * trainAcc).toFixed(0)}%, validation ${(100 * valAcc).toFixed(0)}%`;
    const [a, b] = model.get("probe"), p = softmax(mlpScores(net, [[a, b]])[0]), k = argmax(p);
    probe.setAttribute("transform", `translate(${sx(a)} ${sy(b)})`);
    barRects.forEach((rect, c) => {
      rect.setAttribute("x", bx(c - 0.175));
      rect.setAttribute("y", by(p[c]));
      rect.setAttribute("height", by(0) - by(p[c]));
    });
    barTitle.textContent = `at (${a.toFixed(2)}, ${b.toFixed(2)}): class ${k}, ${(100 * p[k]).toFixed(0)}%`;
    said.textContent = `H = ${model.get("hidden")}, λ = ${model.get("l2")}: ${(100 * trainAcc).toFixed(0)}% ` +
      `training and ${(100 * valAcc).toFixed(0)}% validation accuracy. At the probe (${a.toFixed(2)}, ` +
      `${b.toFixed(2)}) the network says class ${k} with probability ${p[k].toFixed(2)}.`;
    fig.node.setAttribute("aria-label", said.textContent);
  });
}

export default { render };
