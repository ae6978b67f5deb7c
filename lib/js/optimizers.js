// Optimizers on an ill-conditioned quadratic bowl f(w) = 1/2 w^T A w (lib.surfaces.quadratic).
// The numerics are exported pure functions, the same updates as lib.optim (checked against it
// by tests/test_demo_optimizers.py); render() draws the paths, the loss and the error along each
// eigen-direction, and redraws as the reader moves the controls or drags the start.

import {
  PALETTE, axes, button, checkboxes, draggable, figure, handle, html, layout, plotArea, points, redrawOn, scale,
  slider, svg,
} from "./ui.js";

export const OPTIMIZERS = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"];

// lib.surfaces.Quadratic: A = R diag(1/kappa, 1) R^T, R the rotation by angle (radians).
export function quadraticBowl(kappa, angle) {
  const c = Math.cos(angle), s = Math.sin(angle), small = 1 / kappa;
  return [[c * c * small + s * s, c * s * small - s * c], [s * c * small - c * s, s * s * small + c * c]];
}

export function quadraticLoss(A, [x, y]) {
  return 0.5 * (x * (A[0][0] * x + A[0][1] * y) + y * (A[1][0] * x + A[1][1] * y));
}

// One update of each optimizer of lib.optim, for one coordinate: (w, dw, state) -> new w.
const UPDATES = {
  sgd: (w, dw, s, h) => w - h.lr * dw,
  momentum(w, dw, s, h) {
    s.v = h.rho * (s.v ?? 0) + dw;
    return w - h.lr * s.v;
  },
  nesterov(w, dw, s, h) {
    s.v = h.rho * (s.v ?? 0) + dw;
    return w - h.lr * (dw + h.rho * s.v);
  },
  adagrad(w, dw, s, h) {
    s.G = (s.G ?? 0) + dw * dw;
    return w - (h.lr * dw) / (Math.sqrt(s.G) + h.eps);
  },
  rmsprop(w, dw, s, h) {
    s.G = h.decay_rate * (s.G ?? 0) + (1 - h.decay_rate) * dw * dw;
    return w - (h.lr * dw) / (Math.sqrt(s.G) + h.eps);
  },
  adam(w, dw, s, h) {
    s.t = (s.t ?? 0) + 1;
    s.m = h.beta1 * (s.m ?? 0) + (1 - h.beta1) * dw;
    s.v = h.beta2 * (s.v ?? 0) + (1 - h.beta2) * dw * dw;
    const m = s.m / (1 - h.beta1 ** s.t), v = s.v / (1 - h.beta2 ** s.t);
    return w - (h.lr * m) / (Math.sqrt(v) + h.eps);
  },
};
// lib.optim's defaults for what the reader does not set
const DEFAULTS = { rho: 0.9, eps: 1e-8, decay_rate: 0.99, beta1: 0.9, beta2: 0.999 };

// lib.surfaces.run(name, quadratic, w0, lr, steps, **hyper): the steps + 1 points of the path.
export function optimizerPath(name, A, w0, steps, hyper) {
  const h = { ...DEFAULTS, ...(name === "adagrad" ? { eps: 1e-10 } : {}), ...hyper };
  const states = [{}, {}], path = [w0.slice()];
  for (let t = 0; t < steps; t++) {
    const [x, y] = path[t], grad = [x * A[0][0] + y * A[1][0], x * A[0][1] + y * A[1][1]]; // w @ A, as lib
    path.push([0, 1].map((i) => UPDATES[name](path[t][i], grad[i], states[i], h)));
  }
  return path;
}

// The coordinates of each point along the eigenvectors of A: [shallow (1/kappa), steep (1)].
export function eigenCoordinates(path, angle) {
  const c = Math.cos(angle), s = Math.sin(angle);
  return path.map(([x, y]) => [c * x + s * y, -s * x + c * y]);
}

// lib.surfaces.tuned_momentum and critical_rho (see there for the maths).
export function tunedMomentum(lambdaMin, lambdaMax) {
  const rootKappa = Math.sqrt(lambdaMax / lambdaMin);
  return { lr: 4 / (Math.sqrt(lambdaMax) + Math.sqrt(lambdaMin)) ** 2, rho: ((rootKappa - 1) / (rootKappa + 1)) ** 2 };
}
export const criticalRho = (lr, curvature) => (1 - Math.sqrt(lr * curvature)) ** 2;

const COLORS = Object.fromEntries(OPTIMIZERS.map((name, i) => [name, PALETTE[i]]));
const LOSS_RANGE = [1e-14, 1e2];
const short = (v) => (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4 ? v.toExponential(1) : `${+v.toPrecision(3)}`);

function render({ model, el }) {
  const { controls, figures, said } = layout(el, "optimizers");
  checkboxes(controls, model, "shown", { label: "optimizers", options: OPTIMIZERS, colors: OPTIMIZERS.map((n) => COLORS[n]) });
  slider(controls, model, "kappa", { label: "condition number κ", min: 1, max: 1000, log: true, format: (v) => v.toFixed(v < 10 ? 1 : 0) });
  slider(controls, model, "angle", { label: "valley tilt (degrees)", min: 0, max: 90, step: 1 });
  slider(controls, model, "lr", { label: "learning rate α", min: 0.001, max: 4, log: true });
  // ρ for the momentum methods, the betas for Adam: shown while one of those is
  const only = (names, input) => ({ names, row: input.parentElement });
  const extra = [
    only(["momentum", "nesterov"], slider(controls, model, "rho", { label: "momentum ρ", min: 0, max: 0.999, format: (v) => v.toFixed(3) })),
    only(["adam"], slider(controls, model, "beta1", { label: "Adam β1", min: 0, max: 0.999, format: (v) => v.toFixed(3) })),
    only(["adam"], slider(controls, model, "beta2", { label: "Adam β2", min: 0.9, max: 0.9999, format: (v) => v.toFixed(4) })),
  ];
  slider(controls, model, "steps", { label: "steps", min: 10, max: 500, step: 1 });
  const note = html("p", { class: "lib-widget-note" }, controls);
  const set = (values) => {
    for (const [name, value] of Object.entries(values)) model.set(name, value);
    model.save_changes();
  };
  button(controls, "tune momentum (Polyak)", () => {
    const shown = model.get("shown").includes("momentum") ? model.get("shown") : [...model.get("shown"), "momentum"];
    set({ ...tunedMomentum(1 / model.get("kappa"), 1), shown });
  });
  button(controls, "best α for gradient descent", () => set({ lr: 2 / (1 / model.get("kappa") + 1) }));

  // the plane, equal units on both axes, with the start to drag
  const plane = figure(figures, { width: 320, height: 236, margin: [8, 8, 30, 36] });
  const half = 3 * ((plane.bottom - plane.top) / (plane.right - plane.left));
  const px = scale([-3, 3], [plane.left, plane.right]), py = scale([-half, half], [plane.bottom, plane.top]);
  axes(plane, px, py, { xLabel: "w[0]", yLabel: "w[1]", xTicks: [-2, 0, 2], yTicks: [-1, 0, 1] });
  const area = plotArea(plane), contours = svg("g", {}, area), paths = svg("g", {}, area);
  svg("path", { d: `M${px(0) - 6},${py(0)}h12M${px(0)},${py(0) - 6}v12`, stroke: "black" }, area);
  const start = handle(plane.node, { color: PALETTE[7] });
  draggable(start, plane, ([x, y]) => set({ w0: [+px.invert(x).toFixed(3), +py.invert(y).toFixed(3)] }),
    { label: "start point", current: () => [px(model.get("w0")[0]), py(model.get("w0")[1])] });

  // the loss, and the error along each eigen-direction, per step on log axes
  const lossFig = figure(figures, { width: 320, height: 236, margin: [22, 14, 30, 48] });
  const errorFig = figure(figures, { width: 320, height: 236, margin: [22, 14, 30, 48] });
  const logTicks = [1e-12, 1e-8, 1e-4, 1];
  const exp = (v) => (v === 1 ? "1" : `1e${Math.log10(v)}`);
  const curves = [];
  for (const [fig, yLabel] of [[lossFig, "loss"], [errorFig, "|error|"]]) {
    const x = scale([0, 1], [fig.left, fig.right]), y = scale(LOSS_RANGE, [fig.bottom, fig.top], { log: true });
    const frame = svg("g", {}, fig.node), lines = svg("g", {}, plotArea(fig));
    const title = svg("text", { x: 6, y: 15, "font-size": 12 }, fig.node);
    curves.push({ fig, y, frame, lines, title, yLabel });
  }
  curves[1].title.textContent = "error: shallow (solid), steep (dashed) axis";
  const axesOf = (curve, steps) => {
    if (curve.x?.domain[1] === steps) return; // redrawn only when the number of steps changes
    curve.x = scale([0, steps], [curve.fig.left, curve.fig.right]);
    curve.frame.replaceChildren();
    curve.frame.appendChild(axes(curve.fig, curve.x, curve.y, { xLabel: "step", yLabel: curve.yLabel, yTicks: logTicks, yFormat: exp }));
  };

  redrawOn(model, ["shown", "kappa", "angle", "lr", "rho", "beta1", "beta2", "steps", "w0"], () => {
    const kappa = model.get("kappa"), angle = (model.get("angle") * Math.PI) / 180, steps = model.get("steps");
    const A = quadraticBowl(kappa, angle), w0 = model.get("w0"), lr = model.get("lr");
    const hyper = { lr, rho: model.get("rho"), beta1: model.get("beta1"), beta2: model.get("beta2") };
    // contours: ellipses along the eigenvectors, the loss halving from one to the next
    const top = Math.max(quadraticLoss(A, w0), 1e-6), unit = px(1) - px(0);
    contours.replaceChildren(...Array.from({ length: 12 }, (_, k) => {
      const level = top * 0.5 ** (k - 2);
      return svg("ellipse", { cx: px(0), cy: py(0), rx: Math.sqrt(2 * level * kappa) * unit, ry: Math.sqrt(2 * level) * unit,
        fill: "none", stroke: "#bbb", "stroke-width": 0.8, transform: `rotate(${(-angle * 180) / Math.PI} ${px(0)} ${py(0)})` });
    }));
    start.setAttribute("transform", `translate(${px(w0[0])} ${py(w0[1])})`);
    for (const curve of curves) axesOf(curve, steps);
    paths.replaceChildren();
    curves.forEach((c) => c.lines.replaceChildren());
    const finals = [];
    for (const name of OPTIMIZERS.filter((n) => model.get("shown").includes(n))) {
      const path = optimizerPath(name, A, w0, steps, hyper);
      const inView = path.map(([x, y]) => [Math.max(-1e3, Math.min(1e3, x)), Math.max(-1e3, Math.min(1e3, y))]);
      svg("polyline", { points: points(inView, px, py), fill: "none", stroke: COLORS[name], "stroke-width": 1.6 }, paths);
      const clampLog = (v) => Math.min(Math.max(v, LOSS_RANGE[0]), 1e6);
      const losses = path.map((w) => quadraticLoss(A, w));
      const [lossCurve, errorCurve] = curves;
      svg("polyline", { points: points(losses.map((l, t) => [t, clampLog(l)]), lossCurve.x, lossCurve.y),
        fill: "none", stroke: COLORS[name], "stroke-width": 1.6 }, lossCurve.lines);
      const coords = eigenCoordinates(path, angle);
      for (const [i, dash] of [[0, "none"], [1, "4 3"]]) {
        svg("polyline", { points: points(coords.map((c, t) => [t, clampLog(Math.abs(c[i]))]), errorCurve.x, errorCurve.y),
          fill: "none", stroke: COLORS[name], "stroke-width": 1.4, "stroke-dasharray": dash }, errorCurve.lines);
      }
      finals.push(`${name} ${short(losses[steps])}`);
    }
    curves[0].title.textContent = `loss after ${steps} steps`;
    for (const { names, row } of extra) row.hidden = !names.some((n) => model.get("shown").includes(n));
    const tuned = tunedMomentum(1 / kappa, 1);
    note.textContent = `At α = ${short(lr)}, ρ = ${criticalRho(lr, 1 / kappa).toFixed(3)} damps the shallow direction ` +
      `critically; gradient descent is stable below α = 2. Tuned for κ = ${kappa.toFixed(0)}: α = ${tuned.lr.toFixed(2)}, ` +
      `ρ = ${tuned.rho.toFixed(3)}.`;
    said.textContent = `κ = ${kappa.toFixed(kappa < 10 ? 1 : 0)}, α = ${short(lr)}, ρ = ${model.get("rho").toFixed(3)}: ` +
      `loss after ${steps} steps: ${finals.join(", ") || "no optimizer chosen"}.`;
    plane.node.setAttribute("aria-label", `Paths on the bowl from (${w0.join(", ")}). ${said.textContent}`);
  });
}

export default { render };
