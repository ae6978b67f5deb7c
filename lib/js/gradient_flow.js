// The gradient that reaches each layer of a deep fully connected net at initialisation, computed
// in the page for any activation and any initial weight scale s (lib.activations.make_deep_net and
// layer_gradient_norms). The weights are not shipped: the page draws the same standard normals
// from a seeded generator every time and scales them by s / sqrt(fan_in), as make_deep_net does.
// The numerics are the exported pure functions (float64; the browser test checks them against
// lib's torch code on the page's own weights); render() draws the norms per layer on a log axis.

import { PALETTE, axes, figure, layout, plotArea, points, redrawOn, scale, select, slider, svg } from "./ui.js";

// A small seeded generator of uniform numbers in [0, 1) (Tommy Ettinger's mulberry32).
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// count standard normal numbers from mulberry32(seed), two per pair of uniforms (Box-Muller).
export function standardNormals(count, seed) {
  const random = mulberry32(seed), out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - random())), angle = 2 * Math.PI * random();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

// The standard normal base of each layer's weights, (fan_out, fan_in) row by row, for layer
// sizes [in_dim, width, ..., width, out_dim]; layer k draws from seed + k.
export function baseWeights(sizes, seed) {
  return sizes.slice(1).map((fanOut, k) => standardNormals(fanOut * sizes[k], seed + k));
}

// make_deep_net's weights: each layer's base times s / sqrt(fan_in), so N(0, s^2 / fan_in).
export function deepNetWeights(base, sizes, s) {
  return base.map((W, k) => W.map((w) => (w * s) / Math.sqrt(sizes[k])));
}

// The activations of lib.activations (torch's conventions: slope 0.01 for leaky_relu,
// alpha = 1 for elu, derivative 0 at a ReLU's kink) and their derivatives.
export const ACTIVATIONS = {
  sigmoid: [(z) => 1 / (1 + Math.exp(-z)), (z) => { const s = 1 / (1 + Math.exp(-z)); return s * (1 - s); }],
  tanh: [Math.tanh, (z) => 1 - Math.tanh(z) ** 2],
  relu: [(z) => (z > 0 ? z : 0), (z) => (z > 0 ? 1 : 0)],
  leaky_relu: [(z) => (z > 0 ? z : 0.01 * z), (z) => (z > 0 ? 1 : 0.01)],
  elu: [(z) => (z > 0 ? z : Math.expm1(z)), (z) => (z > 0 ? 1 : Math.exp(z))],
};

// ||dL/dW|| of every layer, first to last, for the mean cross-entropy of the net on X (n rows
// of sizes[0] numbers) against labels y: the net is Linear layers with zero biases and the
// activation between them (lib.activations.layer_gradient_norms of make_deep_net).
export function layerGradientNorms(weights, sizes, X, y, activation) {
  const [f, df] = ACTIVATIONS[activation], n = X.length, depth = weights.length;
  const inputs = [Float64Array.from(X.flat())], pre = [];  // each layer's input and pre-activation
  for (let k = 0; k < depth; k++) {
    const [fanIn, fanOut, W, h] = [sizes[k], sizes[k + 1], weights[k], inputs[k]];
    const z = new Float64Array(n * fanOut);
    for (let i = 0; i < n; i++) {
      const row = i * fanIn;
      for (let j = 0; j < fanOut; j++) {
        const col = j * fanIn;
        let sum = 0;
        for (let m = 0; m < fanIn; m++) sum += h[row + m] * W[col + m];
        z[i * fanOut + j] = sum;
      }
    }
    pre.push(z);
    if (k < depth - 1) inputs.push(z.map(f));
  }
  // dL/dlogits = (softmax - one hot) / n
  const classes = sizes[depth], logits = pre[depth - 1];
  let dz = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) {
    const row = logits.subarray(i * classes, (i + 1) * classes), top = Math.max(...row);
    let total = 0;
    for (let c = 0; c < classes; c++) total += Math.exp(row[c] - top);
    for (let c = 0; c < classes; c++) {
      dz[i * classes + c] = (Math.exp(row[c] - top) / total - (c === y[i] ? 1 : 0)) / n;
    }
  }
  const norms = new Array(depth);
  for (let k = depth - 1; k >= 0; k--) {
    const [fanIn, fanOut, W, h] = [sizes[k], sizes[k + 1], weights[k], inputs[k]];
    const dW = new Float64Array(fanOut * fanIn), dh = new Float64Array(n * fanIn);
    for (let i = 0; i < n; i++) {  // dL/dW = dz^T h: (fan_out, fan_in); dL/dh = dz W: (n, fan_in)
      const row = i * fanIn;
      for (let j = 0; j < fanOut; j++) {
        const d = dz[i * fanOut + j], col = j * fanIn;
        if (d === 0) continue;
        for (let m = 0; m < fanIn; m++) {
          dW[col + m] += d * h[row + m];
          dh[row + m] += d * W[col + m];
        }
      }
    }
    let squares = 0;
    for (let p = 0; p < dW.length; p++) squares += dW[p] * dW[p];
    norms[k] = Math.sqrt(squares);
    if (k === 0) break;
    const z = pre[k - 1];  // back through the activation
    for (let p = 0; p < dh.length; p++) dh[p] *= df(z[p]);
    dz = dh;
  }
  return norms;
}

const NAMES = ["sigmoid", "tanh", "relu", "leaky_relu", "elu"];
const exponent = (v) => v.toExponential(1).replace("e+", "e");

function render({ model, el }) {
  const sizes = model.get("sizes"), depth = sizes.length - 1, scaleOf = model.get("pixel_max");
  const X = model.get("X").map((row) => row.map((v) => v / scaleOf)), y = model.get("y");
  const base = baseWeights(sizes, model.get("seed"));
  const { controls, figures, said } = layout(el, "gradient-flow");
  select(controls, model, "activation", { label: "activation", options: NAMES });
  slider(controls, model, "scale", { label: "weight scale s", min: 0.25, max: 4, log: true,
    format: (v) => v.toFixed(2) });

  const [lo, hi] = model.get("ylim");
  const fig = figure(figures, { width: 440, height: 300, margin: [28, 10, 36, 52] });
  const sx = scale([0.5, depth + 0.5], [fig.left, fig.right]);
  const sy = scale([lo, hi], [fig.bottom, fig.top], { log: true });
  const decades = [];
  for (let e = Math.ceil(Math.log10(lo)); e <= Math.log10(hi); e += 3) decades.push(10 ** e);
  axes(fig, sx, sy, { xLabel: "layer (1 = next to the input)", yLabel: "gradient norm ||dL/dW||",
    xTicks: [...Array(depth).keys()].map((k) => k + 1), yTicks: decades,
    format: (v) => (v >= 1 && v < 1e3 ? `${v}` : v.toExponential(0).replace("e+", "e")) });
  const inside = plotArea(fig);
  const flat = svg("polyline", { fill: "none", stroke: PALETTE[8], "stroke-dasharray": "2 3" }, inside);
  const quarter = svg("polyline", { fill: "none", stroke: PALETTE[8], "stroke-dasharray": "6 4" }, inside);
  const line = svg("polyline", { fill: "none", "stroke-width": 2 }, inside);
  const dots = svg("g", {}, inside);
  const title = svg("text", { x: fig.width / 2, y: 18, "text-anchor": "middle", "font-size": 12 }, fig.node);
  const legend = svg("g", { "font-size": 11 }, fig.node);
  for (const [k, [dash, text]] of [["2 3", "as large as the last layer"],
    ["6 4", "× 1/4 per layer (sigmoid's bound)"]].entries()) {
    const yy = fig.bottom - 10 - 14 * (1 - k);
    svg("path", { d: `M${fig.left + 8},${yy - 4}h22`, stroke: PALETTE[8], "stroke-dasharray": dash }, legend);
    svg("text", { x: fig.left + 34, y: yy }, legend).textContent = text;
  }

  redrawOn(model, ["activation", "scale"], () => {
    const activation = model.get("activation"), s = model.get("scale");
    const norms = layerGradientNorms(deepNetWeights(base, sizes, s), sizes, X, y, activation);
    const color = PALETTE[NAMES.indexOf(activation)], clip = (v) => Math.min(Math.max(v, lo / 10), hi * 10);
    const pts = norms.map((v, k) => [k + 1, clip(v)]);
    line.setAttribute("points", points(pts, sx, sy));
    line.setAttribute("stroke", color);
    dots.replaceChildren(...pts.map(([k, v]) => svg("circle", { cx: sx(k), cy: sy(v), r: 3.5, fill: color })));
    const last = norms[depth - 1], ratio = norms[0] / last;
    flat.setAttribute("points", points([[1, last], [depth, last]], sx, sy));
    quarter.setAttribute("points", points([[1, clip(last * 0.25 ** (depth - 1))], [depth, last]], sx, sy));
    title.textContent = `${activation}, s = ${s.toFixed(2)}: last layer ${exponent(last)}, ` +
      `first / last ${exponent(ratio)}`;
    said.textContent = `${activation}, initial weight scale s = ${s.toFixed(2)}: the gradient norm is ` +
      `${exponent(last)} at layer ${depth} and ${exponent(norms[0])} at layer 1, a first / last ratio of ` +
      `${exponent(ratio)} (the sigmoid bound (1/4)^${depth - 1} is ${exponent(0.25 ** (depth - 1))}).`;
    fig.node.setAttribute("aria-label", said.textContent);
  });
}

export default { render };
