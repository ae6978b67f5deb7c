// Training a small network in the page: a 2-H-C (or 2-H-H-C) ReLU network learns a few noisy
// training points by full-batch gradient descent with momentum, while the reader changes the
// initialization scale, learning rate, L2 penalty, dropout and width, and watches the decision
// regions and the training and validation losses. The numerics are the exported pure functions,
// the same computation as lib.layers and lib.optim.Momentum (checked by tests/test_demo_training.py).
//
// State (lib.widgets.PageDemo("training", ...)): X_train, y_train, X_val, y_val (points [[x0, x1], ...]
// and labels 0..C-1), hidden (H), layers (1 or 2), init_scale (s), lr (alpha), regularize (bool) and
// reg (lambda), dropout (p), seed.

import { PALETTE, axes, button, checkbox, figure, html, layout, marker, plotArea, points, redrawOn, scale, select,
  slider, svg } from "./ui.js";

// Uniform numbers in [0, 1) from a 32-bit seed (mulberry32): the same seed, the same sequence.
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A standard normal number from uniform ones (Box-Muller).
export const randomNormal = (random) => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

// Parameters { W1: (H1, D), b1: (H1), ..., WL: (C, H), bL: (C) } of a network of layer widths
// sizes = [D, H1, ..., C] (lib.layers.MLP's names and shapes): weights N(0, scale^2 / fan_in), biases 0.
export function initParams(sizes, scale, seed) {
  const random = seededRandom(seed), params = {};
  for (let k = 1; k < sizes.length; k++) {
    const fanIn = sizes[k - 1], std = scale / Math.sqrt(fanIn);
    params[`W${k}`] = Array.from({ length: sizes[k] }, () =>
      Array.from({ length: fanIn }, () => std * randomNormal(random)));
    params[`b${k}`] = new Array(sizes[k]).fill(0);
  }
  return params;
}

const numLayers = (params) => Object.keys(params).filter((name) => name[0] === "W").length;

// X W^T + b for the rows of X: (N, D), W: (M, D), b: (M) -> (N, M) (lib.layers.affine_forward).
export function affine(X, W, b) {
  const M = W.length, D = X.length ? X[0].length : 0;
  return X.map((x) => {
    const out = new Array(M);
    for (let j = 0; j < M; j++) {
      const w = W[j];
      let sum = 0;
      for (let d = 0; d < D; d++) sum += x[d] * w[d];
      out[j] = sum + b[j];
    }
    return out;
  });
}

// Inverted dropout masks for an (N, M) layer: each entry 0 with probability p, else 1 / (1 - p)
// (lib.layers.dropout_forward's cache).
export const dropoutMask = (N, M, p, random) =>
  Array.from({ length: N }, () => Array.from({ length: M }, () => (random() >= p ? 1 / (1 - p) : 0)));

// The scores (N, C) of X: (N, D), and what the backward pass needs: each layer's input, the hidden
// layers' pre-activations z and dropout masks. Each hidden layer is affine -> ReLU -> dropout; masks
// (one (N, H) array per hidden layer) are used as given, else drawn with random when dropout p > 0.
export function forward(params, X, { dropout = 0, masks = null, random = Math.random } = {}) {
  const L = numLayers(params), inputs = [X], zs = [], used = [];
  for (let k = 1; k < L; k++) {
    const z = affine(inputs[k - 1], params[`W${k}`], params[`b${k}`]);
    const mask = masks ? masks[k - 1] : dropout > 0 ? dropoutMask(z.length, z[0].length, dropout, random) : null;
    inputs.push(z.map((row, n) => row.map((v, j) => (v > 0 ? v : 0) * (mask ? mask[n][j] : 1))));
    zs.push(z);
    used.push(mask);
  }
  return { scores: affine(inputs[L - 1], params[`W${L}`], params[`b${L}`]), inputs, zs, masks: used };
}

// e^(s - max s) for one row of scores s, their sum and the max: a softmax that cannot overflow.
function shiftedExp(s) {
  const top = Math.max(...s), e = s.map((v) => Math.exp(v - top));
  return { e, total: e.reduce((a, b) => a + b, 0), top };
}

// Mean softmax cross-entropy of scores (N, C) with labels y, and dscores = (softmax - one_hot) / N
// (lib.layers.softmax_cross_entropy).
export function softmaxCrossEntropy(scores, y) {
  const N = scores.length;
  let loss = 0;
  const dscores = scores.map((s, n) => {
    const { e, total, top } = shiftedExp(s);
    loss += Math.log(total) - (s[y[n]] - top);  // log-sum-exp minus the correct score
    return e.map((v, c) => (v / total - (c === y[n] ? 1 : 0)) / N);
  });
  return { loss: loss / N, dscores };
}

// The loss, mean cross-entropy + reg * sum_k sum W_k^2 (the weights, not the biases), and its gradient
// { W1, b1, ... } by backpropagation: lib.layers' affine, relu and dropout backward passes in reverse.
// Also dataLoss, the cross-entropy alone. Options as forward's, and reg (lambda).
export function lossAndGrads(params, X, y, { reg = 0, ...options } = {}) {
  const L = numLayers(params), { scores, inputs, zs, masks } = forward(params, X, options);
  const { loss: dataLoss, dscores } = softmaxCrossEntropy(scores, y);
  const grads = {};
  let dout = dscores, penalty = 0;
  for (let k = L; k >= 1; k--) {
    const W = params[`W${k}`], x = inputs[k - 1], N = x.length;
    grads[`W${k}`] = W.map((w, j) => w.map((wjd, d) => {  // dW = dout^T x + 2 reg W; and the sum of W^2
      let sum = 0;
      for (let n = 0; n < N; n++) sum += dout[n][j] * x[n][d];
      penalty += wjd * wjd;
      return sum + 2 * reg * wjd;
    }));
    grads[`b${k}`] = W.map((_, j) => dout.reduce((sum, row) => sum + row[j], 0));  // db = sum over n of dout
    if (k === 1) break;
    const z = zs[k - 2], mask = masks[k - 2];
    dout = dout.map((row, n) => W[0].map((_, d) => {  // dx = dout W, through dropout's mask and ReLU's gate
      let sum = 0;
      for (let j = 0; j < W.length; j++) sum += row[j] * W[j][d];
      return sum * (mask ? mask[n][d] : 1) * (z[n][d] > 0 ? 1 : 0);
    }));
  }
  return { loss: dataLoss + reg * penalty, dataLoss, grads };
}

// f applied entry by entry to nested arrays of one shape (a missing one gives undefined entries).
const zipWith = (f, a, ...others) =>
  Array.isArray(a) ? a.map((v, i) => zipWith(f, v, ...others.map((o) => o?.[i]))) : f(a, ...others);

// One step of SGD with momentum (lib.optim.Momentum): v <- rho v + dw; w <- w - lr v, for every
// parameter. velocity: { name: v } or null at the start (v = 0). Returns the new params and velocity.
export function momentumStep(params, grads, velocity, { lr, rho = 0.9 }) {
  const next = { params: {}, velocity: {} };
  for (const name of Object.keys(params)) {
    const v = zipWith((dw, old = 0) => rho * old + dw, grads[name], velocity?.[name]);
    next.velocity[name] = v;
    next.params[name] = zipWith((w, vw) => w - lr * vw, params[name], v);
  }
  return next;
}

// One full-batch training step: the loss with dropout masks drawn by random, then momentumStep.
// Returns { params, velocity, loss } (the loss before the step).
export function trainStep(params, velocity, X, y, { lr, rho = 0.9, reg = 0, dropout = 0 }, random) {
  const { loss, grads } = lossAndGrads(params, X, y, { reg, dropout, random });
  return { ...momentumStep(params, grads, velocity, { lr, rho }), loss };
}

// Softmax probabilities (N, C) of the network at the rows of X, without dropout (as at test time).
export function classProbabilities(params, X) {
  return forward(params, X).scores.map((s) => {
    const { e, total } = shiftedExp(s);
    return e.map((v) => v / total);
  });
}

// Mean cross-entropy (no penalty, no dropout) and accuracy of the network on X, y, and how many of
// its hidden units are dead there (ReLUs that output 0 for every row of X: they pass no gradient).
export function evaluate(params, X, y) {
  const { scores, inputs } = forward(params, X);
  const correct = scores.filter((s, n) => s.indexOf(Math.max(...s)) === y[n]).length;
  const dead = inputs.slice(1).reduce((sum, h) =>
    sum + h[0].filter((_, j) => h.every((row) => row[j] === 0)).length, 0);
  return { loss: softmaxCrossEntropy(scores, y).loss, accuracy: correct / y.length, dead };
}

const STEPS_PER_FRAME = 5, MAX_STEPS = 20000, GRID = 40, LOSS_RANGE = [1e-3, 10];
const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const short = (v) => (!Number.isFinite(v) ? "∞" : v === 0 || v >= 0.01 ? `${+v.toPrecision(2)}` : v.toExponential(0));
const percent = (v) => `${Math.round(100 * v)}%`;

function render({ model, el }) {
  const X = model.get("X_train"), y = model.get("y_train"), Xval = model.get("X_val"), yval = model.get("y_val");
  const C = Math.max(...y, ...yval) + 1, all = [...X, ...Xval];
  const lim = Math.ceil(11 * Math.max(...all.flat().map(Math.abs))) / 10;  // a square 10% wider than the data
  const { controls, figures, said } = layout(el, "training");
  const sizes = () => [2, ...new Array(model.get("layers")).fill(model.get("hidden")), C];
  let params, velocity, random, step, history, lowest, running = null, stopped = "", lastSaid = 0;

  // controls: the sliders, the L2 penalty's box beside its strength, then Run, Step and Reset
  slider(controls, model, "init_scale", { label: "init scale s", min: 0.01, max: 10, log: true });
  slider(controls, model, "lr", { label: "learning rate α", min: 0.001, max: 1, log: true });
  const l2 = html("div", { class: "lib-widget-control", style: "flex-wrap: wrap" }, controls);
  checkbox(l2, model, "regularize", { label: "L2 penalty" });
  const strength = slider(l2, model, "reg", { label: "λ", min: 1e-5, max: 0.1, log: true,
    format: (v) => v.toExponential(0) });
  strength.setAttribute("aria-label", "L2 strength λ");
  strength.addEventListener("input", () => {  // moving λ turns the penalty on
    model.set("regularize", true);
    model.save_changes();
  });
  slider(controls, model, "dropout", { label: "dropout p", min: 0, max: 0.8, step: 0.05,
    format: (v) => v.toFixed(2) });
  slider(controls, model, "hidden", { label: "hidden width H", min: 4, max: 64, step: 1 });
  select(controls, model, "layers", { label: "hidden layers", options: [1, 2] });
  const buttons = html("div", { class: "lib-widget-control" }, controls);
  const runButton = button(buttons, "Run", () => {
    if (running === null) return run();
    pause();
    draw();
  });
  button(buttons, "Step", () => {
    pause();
    train(1);
    draw();
  });
  button(buttons, "Reset", () => {
    pause();
    restart();
  });
  html("p", { class: "lib-widget-note", style: "margin-top: 0.5rem" }, el, "Full-batch gradient descent " +
    `with momentum 0.9 on the training points (filled; hollow: validation), ${STEPS_PER_FRAME} steps per frame. ` +
    "Weights start N(0, s²/fan_in), biases 0 (s = √2: He's initialization); s, H and the layers draw new " +
    "weights from the seed, as Reset does. Loss: cross-entropy + λ ΣW² over the weights, not the biases (λ = 0 " +
    "unless L2 penalty is ticked), with inverted dropout on the hidden layers. The curves and accuracies leave " +
    "both out; the circle marks the lowest validation loss.");

  // the regions (a GRID x GRID image), the training points (filled) and the validation points (hollow)
  const fig = figure(figures, { width: 320, height: 320, margin: [24, 8, 34, 40] });
  const sx = scale([-lim, lim], [fig.left, fig.right]), sy = scale([-lim, lim], [fig.bottom, fig.top]);
  const image = svg("image", { x: fig.left, y: fig.top, width: fig.right - fig.left, height: fig.bottom - fig.top,
    preserveAspectRatio: "none" }, fig.node);
  axes(fig, sx, sy, { xLabel: "x[0]", yLabel: "x[1]" });
  const inside = plotArea(fig);
  for (const [pts, labels, hollow] of [[Xval, yval, true], [X, y, false]]) {
    pts.forEach(([a, b], i) => {
      const g = svg("g", { transform: `translate(${sx(a)} ${sy(b)})` }, inside);
      const m = marker(g, labels[i], hollow ? 3 : 3.6);
      if (hollow) Object.entries({ fill: "none", stroke: PALETTE[labels[i]], "stroke-width": 1.3 })
        .forEach(([name, value]) => m.setAttribute(name, value));
    });
  }
  const title = svg("text", { x: fig.width / 2, y: 16, "text-anchor": "middle", "font-size": 13 }, fig.node);
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = GRID;
  const context = canvas.getContext("2d"), pixels = context.createImageData(GRID, GRID);
  const grid = Array.from({ length: GRID * GRID }, (_, i) =>
    [-lim + ((i % GRID + 0.5) / GRID) * 2 * lim, lim - ((Math.floor(i / GRID) + 0.5) / GRID) * 2 * lim]);
  const colors = Array.from({ length: C }, (_, c) => rgb(PALETTE[c]));

  // the losses against the step, on a log scale; the x axis doubles when the steps outgrow it
  const curves = figure(figures, { width: 320, height: 320, margin: [24, 20, 34, 48] });
  const ly = scale(LOSS_RANGE, [curves.bottom, curves.top], { log: true });
  const frame = svg("g", {}, curves.node), curveArea = plotArea(curves);
  const line = (color, dashes) => svg("polyline", { fill: "none", stroke: color, "stroke-width": 2,
    "stroke-dasharray": dashes }, curveArea);
  const trainLine = line(PALETTE[0], "none"), valLine = line(PALETTE[5], "5 3");
  const bestMark = svg("circle", { r: 4, fill: "none", stroke: PALETTE[5], "stroke-width": 1.5 }, curveArea);
  [["training", PALETTE[0], "none"], ["validation", PALETTE[5], "5 3"]].forEach(([name, color, dashes], i) => {
    const x = curves.left + 84 * i;
    svg("path", { d: `M${x},12h18`, stroke: color, "stroke-width": 2, "stroke-dasharray": dashes }, curves.node);
    svg("text", { x: x + 22, y: 16, "font-size": 12 }, curves.node).textContent = name;
  });
  const stepLabel = svg("text", { x: curves.right, y: 16, "text-anchor": "end", "font-size": 12 }, curves.node);
  let lx = null;
  const xAxis = () => {
    const top = 100 * 2 ** Math.max(0, Math.ceil(Math.log2(step / 100)));
    if (lx?.domain[1] === top) return;
    lx = scale([0, top], [curves.left, curves.right]);
    frame.replaceChildren(axes(curves, lx, ly, { xLabel: "step", yLabel: "cross-entropy loss",
      yTicks: [0.001, 0.01, 0.1, 1, 10], xTicks: [0, top / 4, top / 2, (3 * top) / 4, top] }));
  };

  function restart() {  // new weights from the seed, and step 0
    const seed = model.get("seed");
    params = initParams(sizes(), model.get("init_scale"), seed);
    velocity = null;
    random = seededRandom(seed + 1);  // the dropout masks' own stream
    step = 0;
    history = [];
    lowest = null;
    stopped = "";
    record();
    draw();
  }
  function record() {
    const train = evaluate(params, X, y), val = evaluate(params, Xval, yval);
    history.push([step, train.loss, val.loss, train.accuracy, val.accuracy, train.dead]);
    if (lowest === null || val.loss < lowest[2]) lowest = history[history.length - 1];  // early stopping's pick
    if (history.length > 800) history = history.filter((_, i) => i % 2 === 0 || i === history.length - 1);
  }
  function train(steps) {
    const settings = { lr: model.get("lr"), reg: model.get("regularize") ? model.get("reg") : 0,
      dropout: model.get("dropout") };
    for (let i = 0; i < steps && step < MAX_STEPS; i++) {
      const next = trainStep(params, velocity, X, y, settings, random);
      if (!Number.isFinite(next.loss)) {
        pause("diverged: lower the learning rate and press Reset");
        break;
      }
      ({ params, velocity } = next);
      step++;
    }
    record();
  }
  function run() {
    if (stopped) return;
    runButton.textContent = "Pause";
    const tick = () => {
      train(STEPS_PER_FRAME);
      draw();
      if (running === null) return;  // paused, or diverged
      running = step < MAX_STEPS ? requestAnimationFrame(tick) : pause(`stopped at ${MAX_STEPS} steps`);
    };
    running = requestAnimationFrame(tick);
  }
  function pause(why = "") {
    if (running !== null) cancelAnimationFrame(running);
    running = null;
    runButton.textContent = "Run";
    stopped ||= why;
    lastSaid = 0;
    return null;
  }

  function draw() {
    classProbabilities(params, grid).forEach((p, i) => {  // each cell its class's colour, paler where unsure
      const k = p.indexOf(Math.max(...p)), known = Number.isFinite(p[k]);
      const mix = known ? 0.1 + (0.35 * (p[k] - 1 / C)) / (1 - 1 / C) : 0.3, color = known ? colors[k] : [0, 0, 0];
      color.forEach((v, ch) => { pixels.data[4 * i + ch] = Math.round(255 + (v - 255) * mix); });
      pixels.data[4 * i + 3] = 255;
    });
    context.putImageData(pixels, 0, 0);
    image.setAttribute("href", canvas.toDataURL());
    xAxis();
    const clamp = (v) => Math.min(Math.max(Number.isFinite(v) ? v : LOSS_RANGE[1], LOSS_RANGE[0]), LOSS_RANGE[1]);
    trainLine.setAttribute("points", points(history.map((h) => [h[0], clamp(h[1])]), lx, ly));
    valLine.setAttribute("points", points(history.map((h) => [h[0], clamp(h[2])]), lx, ly));
    bestMark.setAttribute("transform", `translate(${lx(lowest[0])} ${ly(clamp(lowest[2]))})`);
    bestMark.setAttribute("visibility", step ? "visible" : "hidden");
    stepLabel.textContent = `step ${step}`;
    const [, trainLoss, valLoss, trainAcc, valAcc, dead] = history[history.length - 1];
    title.textContent = `training ${percent(trainAcc)}, validation ${percent(valAcc)} correct`;
    const layers = model.get("layers"), H = model.get("hidden");
    const text = [`Step ${step}: training loss ${short(trainLoss)}, accuracy ${percent(trainAcc)}; `,
      `validation loss ${short(valLoss)}, accuracy ${percent(valAcc)}`,
      step ? `; lowest validation loss ${short(lowest[2])} at step ${lowest[0]}` : "",
      dead ? `; ${dead} of ${layers * H} hidden units dead` : "",
      `. ${layers} hidden layer${layers > 1 ? "s" : ""} of ${H}, s = ${short(model.get("init_scale"))}, `,
      `α = ${short(model.get("lr"))}, λ = ${model.get("regularize") ? model.get("reg").toExponential(0) : 0}, `,
      `p = ${+model.get("dropout").toFixed(2)}.`, stopped ? ` (${stopped})` : ""].join("");
    fig.node.setAttribute("aria-label", `Decision regions. ${text}`);
    if (running === null || performance.now() - lastSaid > 1000) {  // while it runs, once a second
      said.textContent = text;
      lastSaid = performance.now();
    }
  }

  redrawOn(model, ["init_scale", "hidden", "layers", "seed"], restart);
  for (const name of ["lr", "regularize", "reg", "dropout"]) model.on(`change:${name}`, draw);
  return () => pause();
}

export default { render };
