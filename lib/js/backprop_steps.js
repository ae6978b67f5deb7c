// Gradient descent on the chapter's worked example, one update at a time: the computational graph
// of h = relu(w1 x + b1), y = w2 h + b2, L = (y - t)^2 with every node's value (blue) and gradient
// dL/d(node) (vermillion), as lib.plot_graph.plot_computational_graph draws it, and the loss per
// update. The numerics are the exported pure functions (forward pass, backward pass, update),
// checked against lib.autodiff.Value by the browser test; render() draws them with SVG.

import { PALETTE, axes, figure, layout, plotArea, points, redrawOn, scale, slider, svg } from "./ui.js";

// Every node's value for parameters p = [w1, b1, w2, b2], input x and target t.
export function forwardPass([w1, b1, w2, b2], x, t) {
  const z = w1 * x, a = z + b1, h = Math.max(a, 0), u = w2 * h, y = u + b2, e = y - t;
  return { x, t, w1, b1, w2, b2, z, a, h, u, y, e, L: e ** 2 };
}

// Every node's gradient dL/d(node), from L back to the inputs: upstream gradient times local one.
export function backwardPass(v) {
  const g = { L: 1 };
  g.e = 2 * v.e * g.L;                                   // d(e^2)/de = 2e
  [g.y, g.t] = [g.e, -g.e];                              // e = y - t
  [g.u, g.b2] = [g.y, g.y];                              // y = u + b2: add distributes
  [g.w2, g.h] = [v.h * g.u, v.w2 * g.u];                 // u = w2 h: multiply swaps
  g.a = (v.a > 0 ? 1 : 0) * g.h;                         // h = relu(a): a gate, open if a > 0
  [g.z, g.b1] = [g.a, g.a];                              // a = z + b1
  [g.w1, g.x] = [v.x * g.z, v.w1 * g.z];                 // z = w1 x
  return g;
}

// One step of gradient descent: p - lr * dL/dp.
export function update(p, g, lr) {
  return [p[0] - lr * g.w1, p[1] - lr * g.b1, p[2] - lr * g.w2, p[3] - lr * g.b2];
}

// steps updates from p0: the parameters [w1, b1, w2, b2] before each update and after the last.
export function descend(p0, x, t, lr, steps) {
  const path = [p0.slice()];
  for (let s = 0; s < steps; s++) {
    const p = path[path.length - 1];
    path.push(update(p, backwardPass(forwardPass(p, x, t)), lr));
  }
  return path;
}

// Python's "{:.3g}", as lib.plot_graph writes the numbers.
export function g3(v) {
  if (v === 0 || !Number.isFinite(v)) return `${v === 0 ? 0 : v}`;
  const power = Math.floor(Math.log10(Math.abs(+v.toPrecision(3))));
  const strip = (s) => (s.includes(".") ? s.replace(/\.?0+(e|$)/, "$1") : s);
  if (power < -4 || power >= 3) return strip(v.toExponential(2)).replace(/e([+-])(\d)$/, "e$10$2");
  return strip(v.toPrecision(3));
}

// The graph, laid out as plot_computational_graph(..., wrap=4) draws it: two bands of operations.
const COL = (c) => 34 + 92 * c;
const NODES = {
  w1: [0, 24, "w1"], x: [0, 110, "x"], z: [1, 110, "×"], b1: [1, 24, "b1"], a: [2, 110, "+"],
  h: [3, 110, "relu\nh"], w2: [3, 24, "w2"], u: [4, 110, "×"],
  b2: [0, 226, "b2"], y: [1, 226, "+\ny"], e: [2, 226, "−"], t: [1, 304, "t"], L: [3, 226, "( )²\nL"],
};
const EDGES = [["w1", "z"], ["x", "z"], ["z", "a"], ["b1", "a"], ["a", "h"], ["h", "u"], ["w2", "u"],
  ["u", "y"], ["b2", "y"], ["y", "e"], ["t", "e"], ["e", "L"]];

function drawGraph(parent) {
  const fig = figure(parent, { width: 430, height: 350, margin: [0, 0, 0, 0],
    label: "the computational graph with values and gradients" });
  const g = svg("g", { "font-size": 12 }, fig.node);
  svg("defs", {}, g).innerHTML = '<marker id="lib-backprop-arrow" viewBox="0 0 8 8" refX="8" refY="4" ' +
    'markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L8,4L0,8" fill="none" stroke="#777"/></marker>';
  const at = (name) => [COL(NODES[name][0]), NODES[name][1]];
  const labels = {};
  for (const [from, to] of EDGES) {
    const [x0, y0] = at(from), [x1, y1] = at(to), length = Math.hypot(x1 - x0, y1 - y0);
    const [dx, dy] = [(x1 - x0) / length, (y1 - y0) / length], gap = 18;
    svg("path", { d: `M${x0 + dx * gap},${y0 + dy * gap}L${x1 - dx * gap},${y1 - dy * gap}`, stroke: "#777",
      "marker-end": "url(#lib-backprop-arrow)" }, g);
    // a level edge has its value above and gradient below; a slanted one steps them aside
    const [mx, my] = [(x0 + x1) / 2, (y0 + y1) / 2], side = y0 === y1 ? 0 : (y1 - y0) * (x1 - x0) > 0 ? 1 : -1;
    const anchor = { 0: "middle", 1: "start", [-1]: "end" };
    labels[from] = [
      svg("text", { x: mx + 7 * side, y: my - 5, "text-anchor": anchor[side], style: `fill: ${PALETTE[0]}` }, g),
      svg("text", { x: mx - 7 * side, y: my + 15, "text-anchor": anchor[-side], style: `fill: ${PALETTE[5]}` }, g),
    ];
  }
  const [xL, yL] = at("L");
  labels.L = [svg("text", { x: xL + 30, y: yL - 5, style: `fill: ${PALETTE[0]}` }, g),
    svg("text", { x: xL + 30, y: yL + 15, style: `fill: ${PALETTE[5]}` }, g)];
  const boxes = {};
  for (const [name, [c, y, text]] of Object.entries(NODES)) {
    const lines = text.split("\n"), width = 14 + 7.5 * Math.max(...lines.map((l) => l.length));
    boxes[name] = svg("rect", { x: COL(c) - width / 2, y: y - 8 - 7 * lines.length, width,
      height: 16 + 14 * lines.length, rx: 5, fill: "#EEF3F8", stroke: "#555" }, g);
    lines.forEach((line, k) => {
      svg("text", { x: COL(c), y: y + 4 + 14 * (k - (lines.length - 1) / 2), "text-anchor": "middle" }, g)
        .textContent = line;
    });
  }
  return { fig, labels, boxes };
}

function render({ model, el }) {
  const x = model.get("x"), t = model.get("t"), p0 = model.get("params0"), stepsMax = model.get("steps_max");
  const { controls, figures, said } = layout(el, "backprop-steps");
  slider(controls, model, "steps", { label: "updates taken", min: 0, max: stepsMax, step: 1 });
  slider(controls, model, "lr", { label: "step size α", min: 0.005, max: 0.5, log: true,
    format: (v) => v.toFixed(3) });

  const graph = drawGraph(figures);
  const title = svg("text", { x: 215, y: 342, "text-anchor": "middle", "font-size": 12 }, graph.fig.node);

  // the loss per update, log scale; a loss below 1e-12 sits on the floor
  const [floor, top] = [1e-12, 1e3];
  const curve = figure(figures, { width: 300, height: 240, margin: [24, 12, 36, 64] });
  const sx = scale([0, stepsMax], [curve.left, curve.right]), sy = scale([floor, top], [curve.bottom, curve.top],
    { log: true });
  axes(curve, sx, sy, { xLabel: "update", yLabel: "loss L", yTicks: [1e-12, 1e-8, 1e-4, 1],
    format: (v) => (v > 0 && v < 1 ? v.toExponential(0).replace("e-", "e−") : `${v}`) });
  const inside = plotArea(curve);
  const lossLine = svg("polyline", { fill: "none", stroke: PALETTE[0], "stroke-width": 1.5 }, inside);
  const dots = svg("g", { fill: PALETTE[0] }, inside);
  const marker = svg("circle", { r: 6, fill: PALETTE[5], stroke: "white" }, inside);
  const lossTitle = svg("text", { x: curve.width / 2, y: 16, "text-anchor": "middle", "font-size": 13 }, curve.node);

  redrawOn(model, ["steps", "lr"], () => {
    const steps = model.get("steps"), lr = model.get("lr"), updates = `${steps} update${steps === 1 ? "" : "s"}`;
    const path = descend(p0, x, t, lr, stepsMax), losses = path.map((p) => forwardPass(p, x, t).L);
    const v = forwardPass(path[steps], x, t), g = backwardPass(v);
    for (const [name, [value, grad]] of Object.entries(graph.labels)) {
      value.textContent = g3(v[name]);
      grad.textContent = g3(g[name]);
    }
    graph.boxes.h.setAttribute("stroke-dasharray", v.a > 0 ? "none" : "3 3");  // a closed ReLU gate
    title.textContent = `α = ${lr.toFixed(3)}, after ${updates}: values (blue), gradients (vermillion)`;
    const shown = losses.map((L, s) => [s, Math.max(L, floor)]);
    lossLine.setAttribute("points", points(shown, sx, sy));
    dots.replaceChildren(...shown.map(([s, L]) => svg("circle", { cx: sx(s), cy: sy(L), r: 2 })));
    marker.setAttribute("transform", `translate(${sx(steps)} ${sy(shown[steps][1])})`);
    lossTitle.textContent = `L = ${g3(v.L)} after ${updates}`;
    const gate = v.a > 0 ? "the ReLU is on" : `the ReLU is off (w1 x + b1 = ${g3(v.a)}), so only b2 gets a gradient`;
    said.textContent = `Step size α = ${lr.toFixed(3)}, after ${updates}: w1 = ${g3(v.w1)}, b1 = ${g3(v.b1)}, ` +
      `w2 = ${g3(v.w2)}, b2 = ${g3(v.b2)}; loss L = ${g3(v.L)} (it was ${g3(losses[0])} before the first ` +
      `update, ${g3(losses[stepsMax])} after ${stepsMax}); dL/d(w1, b1, w2, b2) = (${g3(g.w1)}, ${g3(g.b1)}, ` +
      `${g3(g.w2)}, ${g3(g.b2)}); ${gate}.`;
    graph.fig.node.setAttribute("aria-label", said.textContent);
  });
}

export default { render };
