// Build a function from ReLU hinges by hand, as a network with one hidden layer does: each unit
// v max(0, w x + b) is a hinge with its kink at x = -b / w, and the network is their sum plus a bias.
// The reader drags kinks and slopes, adds and removes units, compares with the trained network and
// the best fit with as many units (lib.splines.best_relu_fits), and runs gradient descent from there.
// The numerics are the exported pure functions (checked against torch by the browser test).

import { PALETTE, axes, button, checkbox, draggable, figure, handle, layout, plotArea, points, redrawOn, scale,
  select, slider, svg } from "./ui.js";

// c + sum_j v_j max(0, w_j x + b_j) at each x; units: [[w, b, v], ...] (lib.splines.relu_net_output).
export function reluNetOutput(units, bias, xs) {
  return xs.map((x) => units.reduce((sum, [w, b, v]) => sum + v * Math.max(0, w * x + b), bias));
}

export function meanSquaredError(predictions, ys) {
  return predictions.reduce((sum, p, m) => sum + (p - ys[m]) ** 2, 0) / ys.length;
}

// The mean squared error and its gradient: d/dv_j = 2/M sum r max(0, z_j), d/dw_j = 2/M sum r v_j x [z_j > 0],
// d/db_j = 2/M sum r v_j [z_j > 0], d/dc = 2/M sum r, with residuals r = f(x) - y and z_j = w_j x + b_j.
export function mseGradient(units, bias, xs, ys) {
  const M = xs.length, grads = units.map(() => [0, 0, 0]);
  let sse = 0, gradBias = 0;
  for (let m = 0; m < M; m++) {
    const z = units.map(([w, b]) => w * xs[m] + b);
    const r = units.reduce((sum, [, , v], j) => sum + v * Math.max(0, z[j]), bias) - ys[m];
    const d = (2 * r) / M;
    sse += r * r;
    gradBias += d;
    units.forEach(([, , v], j) => {
      if (z[j] <= 0) return;  // the unit is off here, and so is its gradient (torch's relu'(0) = 0)
      grads[j][0] += d * v * xs[m];
      grads[j][1] += d * v;
      grads[j][2] += d * z[j];
    });
  }
  return { mse: sse / M, units: grads, bias: gradBias };
}

// One step of gradient descent on every parameter; returns the new units and bias, and the error before it.
export function gradientStep(units, bias, xs, ys, lr) {
  const g = mseGradient(units, bias, xs, ys);
  return { units: units.map((unit, j) => unit.map((p, i) => p - lr * g.units[j][i])), bias: bias - lr * g.bias,
    mse: g.mse };
}

// The output weights v and bias c that fit ys best for the units' kinks and directions (least squares,
// solved by the normal equations; a unit that is off at every x gets v = 0).
export function outputLeastSquares(units, xs, ys) {
  const features = xs.map((x) => [1, ...units.map(([w, b]) => Math.max(0, w * x + b))]);
  const n = units.length + 1;
  const A = Array.from({ length: n }, (_, i) => Array.from({ length: n + 1 }, (_, k) =>
    features.reduce((sum, f, m) => sum + f[i] * (k < n ? f[k] : ys[m]), 0)));
  for (let i = 0; i < n; i++) {  // Gauss-Jordan elimination with partial pivoting
    const p = A.reduce((best, row, r) => (r >= i && Math.abs(row[i]) > Math.abs(A[best][i]) ? r : best), i);
    [A[i], A[p]] = [A[p], A[i]];
    if (Math.abs(A[i][i]) < 1e-12 * (1 + Math.abs(A[0][0]))) continue;
    for (let r = 0; r < n; r++) {
      if (r === i) continue;
      const f = A[r][i] / A[i][i];
      for (let k = i; k <= n; k++) A[r][k] -= f * A[i][k];
    }
  }
  const solution = A.map((row, i) => (Math.abs(row[i]) < 1e-12 * (1 + Math.abs(A[0][0])) ? 0 : row[n] / row[i]));
  return { units: units.map(([w, b], j) => [w, b, solution[j + 1]]), bias: solution[0] };
}

const kinkOf = ([w, b]) => -b / w;
const COLORS = [PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[4], PALETTE[5], PALETTE[9], PALETTE[6], PALETTE[8]];
const STEPS_PER_FRAME = 40, MAX_STEPS = 40000, SLOPE_ARM = 0.35;
const fmt = (v) => (v < 0.01 ? v.toExponential(1) : v.toPrecision(2));

function render({ model, el }) {
  const xs = model.get("x"), ys = model.get("y"), trained = model.get("trained"), best = model.get("best");
  const [lo, hi] = [Math.min(...xs), Math.max(...xs)], pad = 0.15 * (hi - lo), [y0, y1] = model.get("y_range");
  const { controls, figures, said } = layout(el, "spline");
  let selected = model.get("units").length - 1, history = [], steps = 0, running = null, stepping = false;

  // the units and the sum, with a handle on each unit's kink and one on its slope
  const fig = figure(figures, { width: 440, height: 310, margin: [26, 8, 34, 40] });
  const sx = scale([lo - pad, hi + pad], [fig.left, fig.right]), sy = scale([y0, y1], [fig.bottom, fig.top]);
  axes(fig, sx, sy, { xLabel: "x", yLabel: "y" });
  const inside = plotArea(fig);
  for (const [a, b] of [[lo - pad, lo], [hi, hi + pad]]) {  // outside the data: shaded
    svg("rect", { x: sx(a), y: fig.top, width: sx(b) - sx(a), height: fig.bottom - fig.top, fill: "#8882" }, inside);
  }
  svg("path", { d: `M${fig.left},${sy(0)}H${fig.right}`, stroke: "#8888" }, inside);
  svg("polyline", { points: points(xs.map((x, m) => [x, ys[m]]), sx, sy), fill: "none", stroke: PALETTE[7],
    "stroke-width": 1.5, "stroke-dasharray": "5 3" }, inside);
  const hinges = svg("g", {}, inside);
  const line = (stroke, width, dashes) => svg("polyline", { fill: "none", stroke, "stroke-width": width,
    "stroke-dasharray": dashes }, inside);
  const trainedLine = line(PALETTE[5], 2, "2 3"), bestLine = line(PALETTE[2], 2.5, "8 4");
  const sumLine = line(PALETTE[0], 3, "none");
  const handles = svg("g", {}, fig.node);
  const legend = svg("text", { x: fig.left + 6, y: fig.top + 16, "font-size": 13 }, fig.node);
  [["your network", PALETTE[0], "none"], ["target", PALETTE[7], "5 3"], ["best fit", PALETTE[2], "8 4"],
    ["trained", PALETTE[5], "2 3"]].forEach(([name, color, dashes], i) => {  // the key, above the plot
    const x = fig.left + [0, 118, 194, 280][i];
    svg("path", { d: `M${x},13h22`, stroke: color, "stroke-width": 2.5, "stroke-dasharray": dashes }, fig.node);
    svg("text", { x: x + 26, y: 17, "font-size": 12 }, fig.node).textContent = name;
  });

  // the error during gradient descent (log-log), with the trained network's and the best fit's
  const curve = figure(figures, { width: 300, height: 240, margin: [26, 10, 34, 58] });
  const lx = scale([1, MAX_STEPS], [curve.left, curve.right], { log: true });
  const ly = scale([1e-4, 1], [curve.bottom, curve.top], { log: true });
  axes(curve, lx, ly, { xLabel: "gradient descent step", yLabel: "mean squared error", xTicks: [1, 100, 10000],
    yTicks: [1e-4, 1e-3, 1e-2, 0.1, 1], format: (v) => (v >= 1000 ? v.toExponential(0) : `${v}`) });
  const curveInside = plotArea(curve);
  const trainedLevel = svg("path", { stroke: PALETTE[5], "stroke-dasharray": "2 3", "stroke-width": 2 }, curveInside);
  const bestLevel = svg("path", { stroke: PALETTE[2], "stroke-dasharray": "8 4", "stroke-width": 2 }, curveInside);
  const label = (color) => svg("text", { x: curve.right - 4, "text-anchor": "end", "font-size": 12,
    style: `fill: ${color}` }, curveInside);
  const trainedLabel = label(PALETTE[5]), bestLabel = label(PALETTE[2]);
  const historyLine = svg("polyline", { fill: "none", stroke: PALETTE[0], "stroke-width": 2 }, curveInside);
  const curveTitle = svg("text", { x: curve.width / 2, y: 17, "text-anchor": "middle", "font-size": 13 }, curve.node);

  const setNet = (units, bias) => {
    model.set("units", units);
    model.set("bias", bias);
    model.save_changes();
  };
  const byHand = (units, bias = model.get("bias")) => {  // the reader changed the network: a new start
    stop();
    history = [];
    steps = 0;
    setNet(units, bias);
  };
  const load = () => {
    const n = model.get("units").length, start = model.get("start");
    const source = start === "trained" ? trained[n - 1] : start === "best" ? best[n - 1]
      : { units: Array.from({ length: n }, (_, j) => [1, -(lo + ((j + 0.5) * (hi - lo)) / n), 0]), bias: 0 };
    byHand(source.units.map((u) => u.slice()), source.bias);
  };

  // controls
  select(controls, model, "start", { label: "start from", options: [["trained", "the trained network"],
    ["best", "the best fit"], ["flat", "a flat line"]] });
  model.on("change:start", load);
  slider(controls, model, "bias", { label: "output bias c", min: y0, max: y1, step: "any",
    format: (v) => v.toFixed(2) });
  model.on("change:bias", () => { if (!stepping) { stop(); history = []; steps = 0; } });
  slider(controls, model, "lr", { label: "learning rate", min: 0.001, max: 1, log: true,
    format: (v) => `${+v.toPrecision(2)}` });
  checkbox(controls, model, "show_trained", { label: "trained network" });
  checkbox(controls, model, "show_best", { label: "best fit" });
  button(controls, "add a unit", () => {
    const units = model.get("units");
    if (units.length >= trained.length) return;
    const knots = [lo, ...units.map(kinkOf).filter((k) => k > lo && k < hi).sort((a, b) => a - b), hi];
    const gaps = knots.slice(1).map((k, i) => k - knots[i]), i = gaps.indexOf(Math.max(...gaps));
    selected = units.length;
    byHand([...units, [1, -(knots[i] + gaps[i] / 2), 0]]);  // in the widest gap, flat until dragged
  });
  button(controls, "fit output weights", () => {
    const fit = outputLeastSquares(model.get("units"), xs, ys);
    byHand(fit.units, fit.bias);
  });
  button(controls, "remove a unit", () => {
    const units = model.get("units");
    if (units.length <= 1) return;
    selected = Math.min(selected, units.length - 1);
    byHand(units.filter((_, j) => j !== selected));
    selected = Math.min(selected, units.length - 2);
  });
  const trainButton = button(controls, "train", () => (running === null ? start() : stop()));
  button(controls, "reset", load);

  function start() {
    trainButton.textContent = "stop";
    const frame = () => {
      let units = model.get("units"), bias = model.get("bias");
      for (let i = 0; i < STEPS_PER_FRAME; i++) {
        const next = gradientStep(units, bias, xs, ys, model.get("lr"));
        if (!Number.isFinite(next.mse) || next.mse > 1e6) return stop("diverged: lower the learning rate");
        history.push([++steps, next.mse]);
        ({ units, bias } = next);
      }
      stepping = true;
      model.set("units", units);
      model.set("bias", bias);
      stepping = false;
      if (steps % (STEPS_PER_FRAME * 10) === 0) model.save_changes();
      running = steps >= MAX_STEPS ? stop() : requestAnimationFrame(frame);
    };
    running = requestAnimationFrame(frame);
  }
  function stop(why = "") {
    if (running !== null) cancelAnimationFrame(running);
    running = null;
    trainButton.textContent = "train";
    el.dataset.stopped = why;
    model.save_changes();
    return null;
  }

  // handles, rebuilt when the number of units changes (never during a drag)
  let handleNodes = [];
  const armOf = ([w, , v]) => Math.min(SLOPE_ARM, (0.85 * Math.max(y1, -y0)) / Math.max(Math.abs(v * w), 1e-9));
  const edit = (j, change) => {
    selected = j;
    const units = model.get("units").map((u) => u.slice());
    units[j] = change(units[j]);
    byHand(units);
  };
  function buildHandles(n) {
    handles.replaceChildren();
    handleNodes = Array.from({ length: n }, (_, j) => {
      const kink = handle(handles, { color: COLORS[j % COLORS.length] });
      draggable(kink, fig, ([px]) => edit(j, ([w, , v]) => [w, -w * sx.invert(px), v]), {
        label: `kink of unit ${j + 1}`, current: () => [sx(kinkOf(model.get("units")[j])), sy(0)] });
      const slope = handle(handles, { color: "white" });
      slope.lastChild.setAttribute("stroke", COLORS[j % COLORS.length]);
      slope.lastChild.setAttribute("stroke-width", 3);
      draggable(slope, fig, ([px, py]) => edit(j, ([w, b, v]) => {
        const k = kinkOf([w, b]), dx = sx.invert(px) - k;
        const dir = Math.abs(dx) < 0.03 ? Math.sign(w) : Math.sign(dx);  // across the kink: the hinge flips
        const newW = dir * Math.abs(w);
        return [newW, -newW * k, sy.invert(py) / Math.max(Math.abs(dx), 0.03) / Math.abs(w)];
      }), { label: `slope of unit ${j + 1}`, current: () => {
        const [w, b, v] = model.get("units")[j], k = kinkOf([w, b]), arm = armOf([w, b, v]);
        return [sx(k + Math.sign(w) * arm), sy(v * Math.abs(w) * arm)];
      } });
      return [kink, slope];
    });
  }

  function draw() {
    const units = model.get("units"), bias = model.get("bias"), n = units.length;
    if (handleNodes.length !== n) buildHandles(n);
    const [a, b] = sx.domain;
    const pieceLine = (net, c) => {  // a piecewise linear function is exact through its kinks
      const knots = [a, ...net.map(kinkOf).filter((k) => k > a && k < b).sort((p, q) => p - q), b];
      return points(knots.map((x, i) => [x, reluNetOutput(net, c, [x])[0]]), sx, sy);
    };
    const dataOf = (net, c) => meanSquaredError(reluNetOutput(net, c, xs), ys);
    hinges.replaceChildren(...units.map((u, j) => {
      const dead = xs.every((x) => u[0] * x + u[1] <= 0);
      return svg("polyline", { points: pieceLine([u], 0), fill: "none", stroke: dead ? "#999" : COLORS[j % 8],
        "stroke-width": j === selected ? 2.5 : 1.5, "stroke-dasharray": dead ? "3 3" : "none" });
    }));
    sumLine.setAttribute("points", pieceLine(units, bias));
    const mse = dataOf(units, bias), tr = trained[n - 1], be = best[n - 1];
    const trMse = dataOf(tr.units, tr.bias), beMse = dataOf(be.units, be.bias);
    trainedLine.setAttribute("points", model.get("show_trained") ? pieceLine(tr.units, tr.bias) : "");
    bestLine.setAttribute("points", model.get("show_best") ? pieceLine(be.units, be.bias) : "");
    handleNodes.forEach(([kink, slope], j) => {
      const [w, b, v] = units[j], k = kinkOf(units[j]), arm = armOf(units[j]);
      const px = Math.min(Math.max(sx(k), fig.left), fig.right);
      kink.setAttribute("transform", `translate(${px} ${sy(0)})`);
      kink.setAttribute("aria-valuenow", k);
      kink.setAttribute("aria-valuetext", `kink at x = ${k.toFixed(2)}`);
      const sxPos = Math.min(Math.max(sx(k + Math.sign(w) * arm), fig.left), fig.right);
      slope.setAttribute("transform", `translate(${sxPos} ${sy(v * Math.abs(w) * arm)})`);
      slope.setAttribute("aria-valuenow", v * w);
      slope.setAttribute("aria-valuetext", `slope ${(v * w).toFixed(2)}, facing ${w > 0 ? "right" : "left"}`);
    });
    legend.textContent = `${n} unit${n > 1 ? "s" : ""}: error ${fmt(mse)}`;
    trainedLevel.setAttribute("d", model.get("show_trained") ? `M${curve.left},${ly(trMse)}H${curve.right}` : "");
    bestLevel.setAttribute("d", model.get("show_best") ? `M${curve.left},${ly(beMse)}H${curve.right}` : "");
    const labelAt = (label, text, level, shown) => {  // above its line (below it, if the line is near the top)
      label.setAttribute("y", ly(level) > curve.top + 20 ? ly(level) - 5 : ly(level) + 15);
      label.textContent = shown ? text : "";
    };
    labelAt(trainedLabel, `trained ${fmt(trMse)}`, trMse, model.get("show_trained"));
    labelAt(bestLabel, `best fit ${fmt(beMse)}`, beMse, model.get("show_best"));
    historyLine.setAttribute("points", points(history.filter((_, i) => i % 20 === 0 || i === history.length - 1)
      .map(([s, e]) => [s, Math.max(e, 1e-4)]), lx, ly));
    curveTitle.textContent = `learning rate ${+model.get("lr").toPrecision(2)}` + (steps ? `: step ${steps}` : "");
    const dead = units.filter((u) => xs.every((x) => u[0] * x + u[1] <= 0)).length;
    const outside = units.filter((u) => !(kinkOf(u) > lo && kinkOf(u) < hi)).length - dead;
    said.textContent = `${n} hidden unit${n > 1 ? "s" : ""}: mean squared error ${fmt(mse)}` +
      (dead ? `, ${dead} dead` : "") + (outside > 0 ? `, ${outside} with the kink outside the data` : "") +
      `. With ${n}, the trained network reaches ${fmt(trMse)} and the best fit ${fmt(beMse)}.` +
      (steps ? ` Gradient descent: ${steps} steps.` : "") + (el.dataset.stopped ? ` (${el.dataset.stopped})` : "");
    fig.node.setAttribute("aria-label", said.textContent);
  }
  redrawOn(model, ["units", "bias", "show_trained", "show_best", "lr"], draw);
}

export default { render };
