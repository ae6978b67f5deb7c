// Gradient descent on a quadratic bowl f(w) = 1/2 w^T A w: how the step size shapes the path.
// The numerics are the exported pure functions (checked against lib.train.gradient_descent by
// the browser test); render() draws them with SVG and redraws as the controls move.

import { PALETTE, axes, figure, layout, plotArea, points, redrawOn, scale, slider, svg } from "./ui.js";

export function quadraticLoss(A, w) {
  const Aw = [A[0][0] * w[0] + A[0][1] * w[1], A[1][0] * w[0] + A[1][1] * w[1]];
  return 0.5 * (w[0] * Aw[0] + w[1] * Aw[1]);
}

// w_{t+1} = w_t - lr * A w_t, from w0; returns the steps + 1 points of the path.
export function gradientDescentPath(A, w0, lr, steps) {
  const path = [w0.slice()];
  for (let t = 0; t < steps; t++) {
    const [x, y] = path[path.length - 1];
    path.push([x - lr * (A[0][0] * x + A[0][1] * y), y - lr * (A[1][0] * x + A[1][1] * y)]);
  }
  return path;
}

// The eigenvalues (ascending) of a symmetric 2x2 matrix and the angle of the first eigenvector.
export function eigen2(A) {
  const mean = (A[0][0] + A[1][1]) / 2;
  const radius = Math.hypot((A[0][0] - A[1][1]) / 2, A[0][1]);
  const angle = 0.5 * Math.atan2(-2 * A[0][1], A[1][1] - A[0][0]);
  return { values: [mean - radius, mean + radius], angle };
}

function render({ model, el }) {
  const A = model.get("A"), w0 = model.get("w0"), [x0, x1, y0, y1] = model.get("extent");
  const { values, angle } = eigen2(A);
  const { controls, figures, said } = layout(el, "step-size");
  slider(controls, model, "lr", { label: "step size (learning rate)", min: 0.05, max: model.get("lr_max"),
    step: 0.01, format: (v) => v.toFixed(2) });
  slider(controls, model, "steps", { label: "steps shown", min: 1, max: model.get("steps_max"), step: 1 });

  // the plane: contours of f (ellipses along the eigenvectors) and the path
  const plane = figure(figures, { margin: [6, 6, 34, 34] });
  const sx = scale([x0, x1], [plane.left, plane.right]), sy = scale([y0, y1], [plane.bottom, plane.top]);
  axes(plane, sx, sy, { xLabel: "w[0]", yLabel: "w[1]" });
  const inside = plotArea(plane), unit = sx(1) - sx(0), top = quadraticLoss(A, w0);
  for (let k = 0; k < 9; k++) {
    const level = top * 0.5 ** (k - 1);
    svg("ellipse", { cx: sx(0), cy: sy(0), rx: Math.sqrt((2 * level) / values[0]) * unit,
      ry: Math.sqrt((2 * level) / values[1]) * unit, fill: "none", stroke: "#999", "stroke-width": 0.8,
      transform: `rotate(${(-angle * 180) / Math.PI} ${sx(0)} ${sy(0)})` }, inside);
  }
  const pathLine = svg("polyline", { fill: "none", stroke: PALETTE[5], "stroke-width": 2 }, inside);
  const dots = svg("g", { fill: PALETTE[5] }, inside);
  svg("path", { d: `M${sx(0) - 6},${sy(0)}h12M${sx(0)},${sy(0) - 6}v12`, stroke: "black" }, inside);

  // the loss per step, log scale from 1e-8 to 1e3
  const curve = figure(figures, { margin: [26, 6, 34, 44] });
  const lx = scale([0, model.get("steps_max")], [curve.left, curve.right]);
  const ly = scale([1e-8, 1e3], [curve.bottom, curve.top], { log: true });
  axes(curve, lx, ly, { xLabel: "step", yLabel: "loss", yTicks: [1e-8, 1e-4, 1], format: (v) => (v < 1 ? v.toExponential(0) : `${v}`) });
  const lossLine = svg("polyline", { fill: "none", stroke: PALETTE[5], "stroke-width": 2 }, plotArea(curve));
  const lossTitle = svg("text", { x: curve.width / 2, y: 18, "text-anchor": "middle", "font-size": 13 }, curve.node);

  redrawOn(model, ["lr", "steps"], () => {
    const lr = model.get("lr"), steps = model.get("steps");
    const path = gradientDescentPath(A, w0, lr, steps);
    pathLine.setAttribute("points", points(path, sx, sy));
    dots.replaceChildren(...path.map(([x, y]) => svg("circle", { cx: sx(x), cy: sy(y), r: 2.5 })));
    const losses = path.map((w) => Math.max(quadraticLoss(A, w), 1e-8));
    lossLine.setAttribute("points", points(losses.map((l, t) => [t, l]), lx, ly));
    const last = quadraticLoss(A, path[path.length - 1]);
    lossTitle.textContent = `loss after ${steps} steps: ${last.toPrecision(2)}`;
    said.textContent = `Step size ${lr.toFixed(2)} (it diverges above ${(2 / values[1]).toFixed(2)}): ` +
      `after ${steps} steps the loss is ${last.toPrecision(2)}.`;
    plane.node.setAttribute("aria-label", said.textContent);
  });
}

export default { render };
