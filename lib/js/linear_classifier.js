// A linear classifier on a few points in the plane, after the cs231n linear-classifier web demo:
// drag each class's weight vector W[c] (the arrow's tip), set each bias b[c], drag the points,
// and watch the decision regions, the class lines and the score table. With a loss in the state
// (the chapter on loss functions) it also shows every point's loss and takes gradient-descent
// steps on the data loss + lambda R(W). The numerics are the exported pure functions, checked
// against lib.linear and lib.losses by the browser test; render() draws them with SVG.

import {
  PALETTE, axes, button, draggable, figure, handle, html, layout, marker, plotArea, redrawOn, scale, select, slider, svg,
  tint,
} from "./ui.js";

// Scores s = W x + b of every row of X (N, 2): (N, C), as lib.linear.linear_scores(X, W, b).
export function linearScores(W, b, X) {
  return X.map((x) => W.map((w, c) => w[0] * x[0] + w[1] * x[1] + b[c]));
}

// The index of the largest entry; the first of equals, as numpy's argmax.
const argmax = (row) => row.reduce((best, v, c) => (v > row[best] ? c : best), 0);

// Predicted labels (N,): the class with the highest score, as lib.linear.predict(X, W, b).
export function predict(W, b, X) {
  return linearScores(W, b, X).map(argmax);
}

// The full objective of lib.losses.gradient_descent_linear and its gradient, from the gradient of
// the mean data loss with respect to the scores, dscores (N, C): dW = dscores^T X + 2 reg W and
// db = the column sums of dscores (the bias is not regularized).
function objective(W, X, losses, dscores, reg) {
  const N = X.length, dataLoss = losses.reduce((a, v) => a + v, 0) / N;
  const regLoss = reg * W.reduce((a, w) => a + w[0] ** 2 + w[1] ** 2, 0);
  const dW = W.map((w, c) => w.map((wd, d) => dscores.reduce((a, row, i) => a + row[c] * X[i][d], 0) + reg * 2 * wd));
  const db = W.map((_, c) => dscores.reduce((a, row) => a + row[c], 0));
  return { losses, dataLoss, regLoss, total: dataLoss + regLoss, dW, db };
}

// The multiclass SVM loss (lib.losses.hinge_losses, svm_loss): L_i = sum over j != y_i of
// max(0, s_j - s_{y_i} + 1); each violated margin adds 1/N to dscores[i][j] and takes it from
// dscores[i][y_i]. Returns { losses (N,), dataLoss, regLoss, total, dW (C, 2), db (C,) }.
export function svmLoss(W, b, X, y, reg = 0) {
  const N = X.length, losses = [], dscores = [];
  linearScores(W, b, X).forEach((s, i) => {
    const margins = s.map((sj, j) => (j === y[i] ? 0 : Math.max(0, sj - s[y[i]] + 1)));
    const row = s.map((sj, j) => (j !== y[i] && sj - s[y[i]] + 1 > 0 ? 1 / N : 0));
    row[y[i]] = -row.reduce((a, v) => a + v, 0);
    losses.push(margins.reduce((a, v) => a + v, 0));
    dscores.push(row);
  });
  return objective(W, X, losses, dscores, reg);
}

// Softmax cross-entropy (lib.losses.cross_entropy_losses, softmax_loss): L_i = -log p_{y_i} with
// p = softmax(s), each row shifted by its maximum first; dscores[i] = (p - one_hot(y_i)) / N.
export function softmaxLoss(W, b, X, y, reg = 0) {
  const N = X.length, losses = [], dscores = [];
  linearScores(W, b, X).forEach((s, i) => {
    const top = Math.max(...s), shifted = s.map((v) => v - top);
    const e = shifted.map(Math.exp), sum = e.reduce((a, v) => a + v, 0);
    losses.push(0 - (shifted[y[i]] - Math.log(sum)));
    dscores.push(e.map((v, j) => (v / sum - (j === y[i])) / N));
  });
  return objective(W, X, losses, dscores, reg);
}

export const LOSSES = { svm: svmLoss, cross_entropy: softmaxLoss };

// One full-batch gradient-descent step, W <- W - lr dW, b <- b - lr db, on the loss "svm" or
// "cross_entropy" + reg * sum W^2 (a step of lib.losses.gradient_descent_linear). Returns { W, b }.
export function gradientStep(W, b, X, y, loss, reg, lr) {
  const { dW, db } = LOSSES[loss](W, b, X, y, reg);
  return { W: W.map((w, c) => w.map((v, d) => v - lr * dW[c][d])), b: b.map((v, c) => v - lr * db[c]) };
}

// The part of a convex polygon [[x, y], ...] where a.p + beta >= 0 (> 0 if strict).
function clip(polygon, [a0, a1], beta, strict) {
  const out = [], value = ([x, y]) => a0 * x + a1 * y + beta, keep = (v) => (strict ? v > 0 : v >= 0);
  polygon.forEach((p, i) => {
    const q = polygon[(i + 1) % polygon.length], fp = value(p), fq = value(q);
    if (keep(fp)) out.push(p);
    if (keep(fp) !== keep(fq)) {
      const t = fp / (fp - fq);
      out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
    }
  });
  return out;
}

// The decision region of each class inside the box [x0, x1, y0, y1]: the convex polygon where
// its score beats every other (ties go to the lower class, as argmax), [[x, y], ...] per class.
export function decisionRegions(W, b, [x0, x1, y0, y1]) {
  return W.map((w, c) => W.reduce((polygon, v, k) => (k === c ? polygon
    : clip(polygon, [w[0] - v[0], w[1] - v[1]], b[c] - b[k], k < c)), [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]));
}

// One entry of an array state, as a model of its own for a slider: entry(model, "b", 2).
function entry(model, name, index) {
  return {
    get: () => model.get(name)[index],
    set: (_, value) => model.set(name, model.get(name).map((v, i) => (i === index ? value : v))),
    on: (_, callback) => model.on(`change:${name}`, callback),
    save_changes: () => model.save_changes(),
  };
}

const fixed = (v, digits = 2) => (Math.abs(v) < 0.5 * 10 ** -digits ? 0 : v).toFixed(digits);
const LOSS_NAMES = { svm: "multiclass SVM", cross_entropy: "softmax cross-entropy" };

function render({ model, el }) {
  const y = model.get("y"), [x0, x1, y0, y1] = model.get("extent"), arrowScale = model.get("arrow_scale");
  const C = model.get("W").length, training = model.get("loss") != null;
  const start = { X: model.get("X"), W: model.get("W"), b: model.get("b") };
  const { controls, figures, said } = layout(el, "linear-classifier");
  const evaluate = () => LOSSES[model.get("loss") ?? "svm"](model.get("W"), model.get("b"), model.get("X"), y,
    model.get("reg") ?? 0);
  let steps = 0, running = false;

  // controls: with a loss, the loss, lambda, the step size and the buttons; then a bias per class
  if (training) {
    select(controls, model, "loss", { label: "loss", options: Object.entries(LOSS_NAMES) });
    slider(controls, model, "reg", { label: "regularization λ", min: 1e-4, max: 10, log: true });
    slider(controls, model, "lr", { label: "step size", min: 0.01, max: 2, log: true });
    const buttons = html("div", { class: "lib-widget-control" }, controls);
    const step = () => {
      const next = gradientStep(model.get("W"), model.get("b"), model.get("X"), y, model.get("loss"),
        model.get("reg"), model.get("lr"));
      steps++;
      model.set("W", next.W);
      model.set("b", next.b);
      if (!running) model.save_changes();
    };
    const tick = () => {  // one step per frame while running; stop if the loss overflows
      if (!running || !el.isConnected) return;
      step();
      if (Number.isFinite(evaluate().total)) requestAnimationFrame(tick);
      else run.click();
    };
    button(buttons, "step", step);
    const run = button(buttons, "run", () => {
      running = !running;
      run.textContent = running ? "stop" : "run";
      if (running) requestAnimationFrame(tick);
      else model.save_changes();
    });
    button(buttons, "reset", () => {
      if (running) run.click();
      steps = 0;
      for (const name of ["X", "W", "b"]) model.set(name, start[name]);
      model.save_changes();
    });
  }
  for (let c = 0; c < C; c++) {
    slider(controls, entry(model, "b", c), "value", { label: `bias b[${c}]`, min: -3, max: 3, format: fixed });
  }

  // the plane: regions, each class's zero line, the arrows W[c] (scaled) and the points
  const plane = figure(figures, { width: 300, height: 294, margin: [8, 8, 34, 40], label: "linear classifier" });
  const sx = scale([x0, x1], [plane.left, plane.right]), sy = scale([y0, y1], [plane.bottom, plane.top]);
  axes(plane, sx, sy, { xLabel: "x[0]", yLabel: "x[1]" });
  const inside = plotArea(plane);
  const regions = PALETTE.slice(0, C).map((color) => svg("path", { fill: tint(color) }, inside));
  const lines = PALETTE.slice(0, C).map((color) => svg("path", { stroke: color, "stroke-width": 2 }, inside));
  svg("text", { x: plane.right - 4, y: plane.bottom - 5, "text-anchor": "end", "font-size": 11 }, inside)
    .textContent = `arrows: W[c] × ${arrowScale}`;
  const arrows = PALETTE.slice(0, C).map((color) => svg("path", { stroke: color, fill: color, "stroke-width": 2.5 },
    inside));
  const tipLabels = PALETTE.slice(0, C).map((color) => svg("text", { "font-size": 12, "font-weight": "bold",
    style: `fill: ${color}`, stroke: "white", "stroke-width": 3, "paint-order": "stroke", "text-anchor": "middle",
    "dominant-baseline": "central", "pointer-events": "none" }, inside));
  const setRow = (name, index, value) => {
    model.set(name, model.get(name).map((row, i) => (i === index ? value : row)));
  };
  const points = y.map((label, i) => {
    const dot = handle(inside, { color: PALETTE[label] });
    dot.lastChild.remove();
    marker(dot, label, 5.5);
    svg("text", { x: 7, y: -6, "font-size": 11, "pointer-events": "none" }, dot).textContent = `${i}`;
    const at = () => model.get("X")[i];
    const moveTo = ([px, py]) => setRow("X", i, [+sx.invert(px).toFixed(3), +sy.invert(py).toFixed(3)]);
    draggable(dot, plane, moveTo, { label: `point ${i}, class ${label}`,
      current: () => [sx(at()[0]), sy(at()[1])] });
    return dot;
  });
  const tips = PALETTE.slice(0, C).map((color, c) => {
    const tip = handle(inside, { color });
    const at = () => model.get("W")[c].map((v) => v * arrowScale);
    const moveTo = ([px, py]) => setRow("W", c, [+(sx.invert(px) / arrowScale).toFixed(3),
      +(sy.invert(py) / arrowScale).toFixed(3)]);
    draggable(tip, plane, moveTo, { label: `weight vector W[${c}]`,
      current: () => [sx(at()[0]), sy(at()[1])] });
    return tip;
  });
  for (const node of [...points, ...tips]) {
    for (const type of ["pointerup", "keyup"]) node.addEventListener(type, () => model.save_changes());
  }

  // with a loss: a bar per point's loss L_i, and the data loss, dashed
  let bars;
  if (training) {
    bars = figure(figures, { width: 300, height: 294, margin: [44, 8, 34, 40], label: "per-point losses" });
    bars.title = svg("text", { x: bars.width / 2, y: 16, "text-anchor": "middle", "font-size": 13 }, bars.node);
    bars.next = svg("text", { x: bars.width / 2, y: 34, "text-anchor": "middle", "font-size": 12 }, bars.node);
    bars.axes = svg("g", {}, bars.node);
    bars.rects = y.map((label) => svg("rect", { fill: PALETTE[label] }, bars.node));
    bars.mean = svg("path", { stroke: "black", "stroke-dasharray": "5 3", "stroke-width": 1.5 }, bars.node);
    bars.meanLabel = svg("text", { x: bars.left + 4, "font-size": 11, stroke: "white", "stroke-width": 3,
      "paint-order": "stroke" }, bars.node);
    bars.meanLabel.textContent = "data loss (mean)";
  }

  // the score table: a row per point, the winning score in bold, right or wrong
  const table = html("table", { class: "lib-widget-table", style: "flex: 1 1 260px; max-width: 440px;" +
    " align-self: flex-start; border-collapse: collapse; font-size: 0.8rem; font-variant-numeric: tabular-nums;" +
    " text-align: right" }, figures);
  const head = ["#", "x[0]", "x[1]", "y", ...start.W.map((_, c) => `s[${c}]`), ...(training ? ["Lᵢ"] : []), "right?"];
  const headRow = html("tr", {}, html("thead", {}, table));
  for (const text of head) html("th", { style: "padding: 1px 5px; border-bottom: 1px solid #888" }, headRow, text);
  const body = html("tbody", {}, table);
  const cells = y.map(() => {
    const tr = html("tr", {}, body);
    return head.map(() => html("td", { style: "padding: 1px 5px" }, tr));
  });

  const draw = () => {
    const X = model.get("X"), W = model.get("W"), b = model.get("b"), S = linearScores(W, b, X);
    const labels = S.map(argmax), right = labels.filter((l, i) => l === y[i]).length;
    const polygons = decisionRegions(W, b, [x0, x1, y0, y1]);
    regions.forEach((path, c) => path.setAttribute("d", polygons[c].length
      ? `M${polygons[c].map(([a, v]) => `${sx(a)},${sy(v)}`).join("L")}Z` : ""));
    W.forEach((w, c) => {
      const norm2 = w[0] ** 2 + w[1] ** 2, [tx, ty] = [sx(w[0] * arrowScale), sy(w[1] * arrowScale)];
      // the zero line w.x + b = 0: its point nearest the origin, then far along both ways
      const foot = [(-b[c] * w[0]) / (norm2 || 1), (-b[c] * w[1]) / (norm2 || 1)], far = 10 / Math.sqrt(norm2 || 1);
      lines[c].setAttribute("d", norm2 ? `M${sx(foot[0] - far * w[1])},${sy(foot[1] + far * w[0])}` +
        `L${sx(foot[0] + far * w[1])},${sy(foot[1] - far * w[0])}` : "");
      const [ox, oy] = [sx(0), sy(0)], len = Math.hypot(tx - ox, ty - oy) || 1;
      const [ux, uy] = [(tx - ox) / len, (ty - oy) / len];  // the arrow's direction on screen
      const [hx, hy] = [tx - 7 * ux, ty - 7 * uy];  // the head's point, just short of the handle
      arrows[c].setAttribute("d", len < 12 ? "" : `M${ox},${oy}L${hx},${hy}M${hx},${hy}` +
        `l${-10 * ux - 4.5 * uy},${-10 * uy + 4.5 * ux}l${9 * uy},${-9 * ux}z`);
      tips[c].setAttribute("transform", `translate(${tx} ${ty})`);
      tips[c].setAttribute("aria-valuetext", `W[${c}] = (${fixed(w[0], 3)}, ${fixed(w[1], 3)})`);
      tipLabels[c].setAttribute("x", (ox + tx) / 2 - 12 * uy);  // beside the arrow's middle
      tipLabels[c].setAttribute("y", (oy + ty) / 2 + 12 * ux);
      tipLabels[c].textContent = `W[${c}]`;
    });
    X.forEach(([a, v], i) => {
      points[i].setAttribute("transform", `translate(${sx(a)} ${sy(v)})`);
      points[i].setAttribute("aria-valuetext", `(${fixed(a, 3)}, ${fixed(v, 3)})`);
    });
    const result = training ? evaluate() : null;
    S.forEach((s, i) => {
      const values = [i, fixed(X[i][0]), fixed(X[i][1]), y[i], ...s.map((v) => fixed(v)),
        ...(training ? [fixed(result.losses[i])] : []), labels[i] === y[i] ? "yes" : `no: ${labels[i]}`];
      values.forEach((v, j) => { cells[i][j].textContent = `${v}`; });
      s.forEach((_, c) => { cells[i][4 + c].style.fontWeight = c === labels[i] ? "bold" : "normal"; });
      cells[i][3].style.color = PALETTE[y[i]];
      cells[i][head.length - 1].style.color = labels[i] === y[i] ? "inherit" : PALETTE[5];
    });
    const stated = `W = [${W.map((w) => `(${fixed(w[0])}, ${fixed(w[1])})`).join(", ")}], ` +
      `b = (${b.map((v) => fixed(v)).join(", ")}): ${right} of ${y.length} points right.`;
    if (!training) {
      said.textContent = stated;
    } else {
      const { losses, dataLoss, regLoss, total } = result;
      const top = Math.max(1, ...losses.filter(Number.isFinite)) * 1.15;
      const bx = scale([-0.5, y.length - 0.5], [bars.left, bars.right]), by = scale([0, top], [bars.bottom, bars.top]);
      bars.axes.replaceChildren(axes({ ...bars, node: bars.axes }, bx, by, { xLabel: "point", yLabel: "loss Lᵢ",
        xTicks: y.map((_, i) => i) }));
      losses.forEach((L, i) => {
        const h = by(0) - by(Number.isFinite(L) ? Math.min(L, top) : top);
        Object.entries({ x: bx(i - 0.35), width: bx(0.35) - bx(-0.35), y: by(0) - h, height: h })
          .forEach(([k, v]) => bars.rects[i].setAttribute(k, v));
      });
      const mean = by(Number.isFinite(dataLoss) ? Math.min(dataLoss, top) : top);
      bars.mean.setAttribute("d", `M${bars.left},${mean}H${bars.right}`);
      bars.meanLabel.setAttribute("y", mean - 4);
      bars.title.textContent = `data ${fixed(dataLoss)} + reg ${fixed(regLoss)} = total ${fixed(total)}`;
      said.textContent = `${LOSS_NAMES[model.get("loss")]} loss, λ = ${+model.get("reg").toPrecision(2)}, ` +
        `step size ${+model.get("lr").toPrecision(2)}, ${steps} step${steps === 1 ? "" : "s"} taken: ` +
        `data loss ${fixed(dataLoss)} + regularization loss ${fixed(regLoss)} = total ${fixed(total)}; ${stated}`;
      const next = gradientStep(W, b, X, y, model.get("loss"), model.get("reg"), model.get("lr"));
      bars.next.textContent = `one step of size ${+model.get("lr").toPrecision(2)} → total ` +
        `${fixed(LOSSES[model.get("loss")](next.W, next.b, X, y, model.get("reg")).total)}`;
    }
    plane.node.setAttribute("aria-label", `Decision regions of a linear classifier. ${said.textContent}`);
  };
  // W and b change together in a step: draw once, after both
  let pending = false;
  redrawOn(model, ["X", "W", "b", "loss", "reg", "lr"], () => {
    if (!pending) pending = true, queueMicrotask(() => { pending = false; draw(); });
  });
}

export default { render };
