// Gradient descent on a quadratic bowl f(w) = 1/2 w^T A w: how the step size shapes the path.
// The numerics are the exported pure functions (checked against lib.train.gradient_descent by
// the browser test); render() draws them with SVG and redraws as the controls move.

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

const SVG = "http://www.w3.org/2000/svg";
const svg = (tag, attrs = {}, parent = null) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
};
const SIZE = { width: 300, height: 240, pad: 34 };

function slider(el, label, min, max, step, value, onInput) {
  const row = document.createElement("label");
  row.className = "lib-widget-control";
  row.innerHTML = `<span>${label}</span><input type="range" min="${min}" max="${max}" step="${step}" ` +
    `value="${value}" aria-label="${label}"><output></output>`;
  const input = row.querySelector("input");
  input.addEventListener("input", () => onInput(+input.value));
  el.appendChild(row);
  return row;
}

function render({ model, el }) {
  const A = model.get("A"), w0 = model.get("w0"), [x0, x1, y0, y1] = model.get("extent");
  const { values, angle } = eigen2(A);
  el.classList.add("lib-widget", "lib-widget-step-size");
  const controls = document.createElement("div");
  controls.className = "lib-widget-controls";
  el.appendChild(controls);
  const lrRow = slider(controls, "step size (learning rate)", 0.05, model.get("lr_max"), 0.01,
    model.get("lr"), (v) => { model.set("lr", v); model.save_changes(); });
  const stepsRow = slider(controls, "steps shown", 1, model.get("steps_max"), 1, model.get("steps"),
    (v) => { model.set("steps", v); model.save_changes(); });
  const figures = document.createElement("div");
  figures.className = "lib-widget-figures";
  el.appendChild(figures);
  const box = `0 0 ${SIZE.width} ${SIZE.height}`;
  const plane = svg("svg", { viewBox: box, role: "img" }, figures);
  const curve = svg("svg", { viewBox: box, role: "img" }, figures);
  const said = document.createElement("p");
  said.className = "lib-widget-said";
  said.setAttribute("aria-live", "polite");
  el.appendChild(said);

  // the plane: contours of f (ellipses along the eigenvectors) and the path
  const { width: W, height: H, pad: P } = SIZE;
  const sx = (x) => P + ((x - x0) / (x1 - x0)) * (W - P - 6);
  const sy = (y) => H - P - ((y - y0) / (y1 - y0)) * (H - P - 6);
  const scale = (W - P - 6) / (x1 - x0);
  const clip = svg("clipPath", { id: `clip-${Math.random().toString(36).slice(2)}` }, plane);
  svg("rect", { x: P, y: 6, width: W - P - 6, height: H - P - 6 }, clip);
  const contours = svg("g", { "clip-path": `url(#${clip.id})` }, plane);
  const top = quadraticLoss(A, w0);
  for (let k = 0; k < 9; k++) {
    const level = top * 0.5 ** (k - 1);
    svg("ellipse", { cx: sx(0), cy: sy(0), rx: Math.sqrt((2 * level) / values[0]) * scale,
      ry: Math.sqrt((2 * level) / values[1]) * scale, fill: "none", stroke: "#999", "stroke-width": 0.8,
      transform: `rotate(${(-angle * 180) / Math.PI} ${sx(0)} ${sy(0)})` }, contours);
  }
  svg("text", { x: W / 2, y: H - 4, "text-anchor": "middle", "font-size": 13 }, plane).textContent = "w[0]";
  const pathLine = svg("polyline", { fill: "none", stroke: "#D55E00", "stroke-width": 2 }, contours);
  const dots = svg("g", { fill: "#D55E00" }, contours);
  svg("path", { d: `M${sx(0) - 6},${sy(0)}h12M${sx(0)},${sy(0) - 6}v12`, stroke: "black" }, plane);

  // the loss per step, log scale from 1e-8 to 1e3
  const lx = (t) => P + (t / model.get("steps_max")) * (W - P - 6);
  const ly = (loss) => 6 + ((3 - Math.log10(Math.max(loss, 1e-8))) / 11) * (H - P - 6);
  svg("path", { d: `M${P},6V${H - P}H${W - 6}`, stroke: "black", fill: "none" }, curve);
  for (const e of [-8, -4, 0]) {
    svg("text", { x: P - 4, y: ly(10 ** e) + 4, "text-anchor": "end", "font-size": 12 }, curve)
      .textContent = `1e${e}`;
  }
  svg("text", { x: W / 2, y: H - 4, "text-anchor": "middle", "font-size": 13 }, curve).textContent = "step";
  const lossLine = svg("polyline", { fill: "none", stroke: "#D55E00", "stroke-width": 2 }, curve);
  const lossTitle = svg("text", { x: W / 2, y: 20, "text-anchor": "middle", "font-size": 13 }, curve);

  function draw() {
    const lr = model.get("lr"), steps = model.get("steps");
    const path = gradientDescentPath(A, w0, lr, steps);
    pathLine.setAttribute("points", path.map(([x, y]) => `${sx(x)},${sy(y)}`).join(" "));
    dots.replaceChildren(...path.map(([x, y]) => svg("circle", { cx: sx(x), cy: sy(y), r: 2.5 })));
    const losses = path.map((w) => quadraticLoss(A, w));
    lossLine.setAttribute("points", losses.map((l, t) => `${lx(t)},${ly(l)}`).join(" "));
    const last = losses[losses.length - 1];
    lossTitle.textContent = `loss after ${steps} steps: ${last.toPrecision(2)}`;
    lrRow.querySelector("output").textContent = lr.toFixed(2);
    stepsRow.querySelector("output").textContent = steps;
    const limit = 2 / values[1];
    said.textContent = `Step size ${lr.toFixed(2)} (it diverges above ${limit.toFixed(2)}): ` +
      `after ${steps} steps the loss is ${last.toPrecision(2)}.`;
    plane.setAttribute("aria-label", said.textContent);
  }
  model.on("change:lr", draw);
  model.on("change:steps", draw);
  draw();
}

export default { render };
