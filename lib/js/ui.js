// What every demo of the book shares: SVG drawing, scales and axes, controls a thumb can hold,
// dragging by mouse, touch or keyboard, and the sentence that says what the picture shows now.
// A demo imports what it needs: `import { figure, slider } from "./ui.js";` (lib/widgets.py
// inlines this module for Jupyter, where a widget is one file; the static book imports it).

// lib.plot.PALETTE: Okabe & Ito's colours, distinguishable under the common colour blindnesses.
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
  "#000000", "#999999", "#882255"];

const SVG_NS = "http://www.w3.org/2000/svg";

// The bytes of a base64 text (lib.widgets.to_base64: how Python hands a page an image) as numbers
// divided by `scale` (255: grey levels or colours in [0, 1]).
export function decodeBytes(text, scale = 255) {
  const bytes = atob(text), out = new Float64Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes.charCodeAt(i) / scale;
  return out;
}

// An SVG element with its attributes, appended to parent if one is given.
export function svg(tag, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (parent) parent.appendChild(node);
  return node;
}

// An HTML element with its attributes and text, appended to parent if one is given.
export function html(tag, attrs = {}, parent = null, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

// The frame every demo starts from: a row of controls, a row of figures, and a live sentence.
export function layout(el, name) {
  el.classList.add("lib-widget", `lib-widget-${name}`);
  // keys pressed in a demo are the demo's: JupyterLab would take arrows and digits for its own
  // shortcuts (move between cells, make a heading) and cancel them before a slider moves
  el.addEventListener("keydown", (event) => event.stopPropagation());
  return {
    controls: html("div", { class: "lib-widget-controls" }, el),
    figures: html("div", { class: "lib-widget-figures" }, el),
    said: html("p", { class: "lib-widget-said", "aria-live": "polite" }, el),
  };
}

// An SVG picture width x height (in its own units; it scales to the page), with a plot area
// inside the margins: { node, left, right, top, bottom }.
export function figure(parent, { width = 300, height = 240, margin = [10, 10, 34, 44], label = "" } = {}) {
  const [top, right, bottom, left] = margin;
  // at most 1.15 CSS px per unit: figures of one demo keep their relative sizes, two share a row
  const node = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label,
    style: `max-width: min(100%, ${Math.round(width * 1.15)}px)` }, parent);
  return { node, width, height, left, right: width - right, top, bottom: height - bottom };
}

// A linear map from domain [d0, d1] to range [r0, r1], with .invert; log: true maps log10 values.
export function scale([d0, d1], [r0, r1], { log = false } = {}) {
  const f = log ? Math.log10 : (v) => v;
  const [a, b] = [f(d0), f(d1)];
  const map = (v) => r0 + ((f(v) - a) / (b - a)) * (r1 - r0);
  map.invert = (p) => {
    const v = a + ((p - r0) / (r1 - r0)) * (b - a);
    return log ? 10 ** v : v;
  };
  map.domain = [d0, d1];
  return map;
}

// Evenly spaced ticks covering [lo, hi]: about `count` of them, at 1, 2 or 5 times a power of ten.
export function ticks(lo, hi, count = 5) {
  const raw = (hi - lo) / count, power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

// Axes of a figure: a frame, ticks with labels, and axis titles. x and y are scale()s;
// format writes a tick's label (xFormat, yFormat: for one axis only).
export function axes(fig, x, y, { xLabel = "", yLabel = "", xTicks, yTicks, format = (v) => `${v}`,
  xFormat = format, yFormat = format } = {}) {
  const g = svg("g", { class: "lib-widget-axes", "font-size": 12 }, fig.node);
  svg("rect", { x: fig.left, y: fig.top, width: fig.right - fig.left, height: fig.bottom - fig.top,
    fill: "none", stroke: "#444" }, g);
  for (const v of xTicks ?? ticks(...x.domain.slice().sort((a, b) => a - b))) {
    svg("path", { d: `M${x(v)},${fig.bottom}v4`, stroke: "#444" }, g);
    svg("text", { x: x(v), y: fig.bottom + 15, "text-anchor": "middle" }, g).textContent = xFormat(v);
  }
  for (const v of yTicks ?? ticks(...y.domain.slice().sort((a, b) => a - b))) {
    svg("path", { d: `M${fig.left},${y(v)}h-4`, stroke: "#444" }, g);
    svg("text", { x: fig.left - 6, y: y(v) + 4, "text-anchor": "end" }, g).textContent = yFormat(v);
  }
  svg("text", { x: (fig.left + fig.right) / 2, y: fig.height - 4, "text-anchor": "middle", "font-size": 13 }, g)
    .textContent = xLabel;
  svg("text", { transform: `translate(13 ${(fig.top + fig.bottom) / 2}) rotate(-90)`, "text-anchor": "middle",
    "font-size": 13 }, g).textContent = yLabel;
  return g;
}

// A clip path to the plot area of a figure; returns a <g> whose drawing stays inside it.
export function plotArea(fig) {
  const id = `lib-clip-${Math.random().toString(36).slice(2)}`;
  const clip = svg("clipPath", { id }, fig.node);
  svg("rect", { x: fig.left, y: fig.top, width: fig.right - fig.left, height: fig.bottom - fig.top }, clip);
  return svg("g", { "clip-path": `url(#${id})` }, fig.node);
}

// "x0,y0 x1,y1 ..." for a polyline through points [[x, y], ...] under scales x and y.
export const points = (pts, x, y) => pts.map(([a, b]) => `${x(a)},${y(b)}`).join(" ");

// A slider bound to model state `name`. log: the slider moves log10 of the value, so that
// 1..1000 is as easy to set at 2 as at 500. format: how the value is written beside it.
export function slider(parent, model, name, { label, min, max, step = "any", log = false,
  format = (v) => `${+v.toPrecision(3)}` }) {
  const row = html("label", { class: "lib-widget-control" }, parent);
  html("span", {}, row, label);
  const f = log ? Math.log10 : (v) => v;
  const input = html("input", { type: "range", min: f(min), max: f(max), step: log && step !== "any" ? "any" : step,
    "aria-label": label }, row);
  const output = html("output", {}, row);
  const show = () => {
    input.value = f(model.get(name));
    output.textContent = format(model.get(name));
    input.setAttribute("aria-valuetext", output.textContent);
  };
  input.addEventListener("input", () => {
    model.set(name, log ? 10 ** +input.value : +input.value);
    model.save_changes();
  });
  model.on(`change:${name}`, show);
  show();
  return input;
}

// A menu bound to model state `name`; options: [value, ...] or [[value, text], ...].
export function select(parent, model, name, { label, options }) {
  const row = html("label", { class: "lib-widget-control" }, parent);
  html("span", {}, row, label);
  const menu = html("select", { "aria-label": label }, row);
  for (const option of options) {
    const [value, text] = Array.isArray(option) ? option : [option, option];
    html("option", { value: JSON.stringify(value) }, menu, `${text}`);
  }
  const show = () => { menu.value = JSON.stringify(model.get(name)); };
  menu.addEventListener("change", () => {
    model.set(name, JSON.parse(menu.value));
    model.save_changes();
  });
  model.on(`change:${name}`, show);
  show();
  return menu;
}

// A checkbox bound to the boolean model state `name`.
export function checkbox(parent, model, name, { label }) {
  const row = html("label", { class: "lib-widget-control" }, parent);
  const box = html("input", { type: "checkbox" }, row);
  html("span", {}, row, label);
  const show = () => { box.checked = !!model.get(name); };
  box.addEventListener("change", () => {
    model.set(name, box.checked);
    model.save_changes();
  });
  model.on(`change:${name}`, show);
  show();
  return box;
}

// A row of checkboxes bound to model state `name`, the list of the ticked options' values.
export function checkboxes(parent, model, name, { label, options, colors = [] }) {
  const group = html("fieldset", { class: "lib-widget-control lib-widget-choices" }, parent);
  html("legend", {}, group, label);
  const boxes = options.map((value, i) => {
    const row = html("label", {}, group);
    const box = html("input", { type: "checkbox", value }, row);
    const text = html("span", {}, row, value);
    if (colors[i]) text.style.borderBottom = `3px solid ${colors[i]}`;
    box.addEventListener("change", () => {
      model.set(name, options.filter((_, j) => boxes[j].checked));
      model.save_changes();
    });
    return box;
  });
  const show = () => boxes.forEach((box, i) => { box.checked = model.get(name).includes(options[i]); });
  model.on(`change:${name}`, show);
  show();
  return boxes;
}

export function button(parent, label, onClick) {
  const node = html("button", { type: "button", class: "lib-widget-button" }, parent, label);
  node.addEventListener("click", onClick);
  return node;
}

// Draw now, and again whenever one of the named states changes (a slider's input events come
// at most once per animation frame, so drawing at once keeps pace with the reader's hand).
export function redrawOn(model, names, draw) {
  for (const name of names) model.on(`change:${name}`, draw);
  draw();
}

// A marker per class, as lib.plot draws them: circle, square, triangle (then circles).
export function marker(parent, label, r = 5) {
  const attrs = { fill: PALETTE[label], stroke: "white", "stroke-width": 1.2 };
  if (label === 1) return svg("rect", { x: -r, y: -r, width: 2 * r, height: 2 * r, ...attrs }, parent);
  if (label === 2) return svg("path", { d: `M0,${-1.3 * r}L${1.2 * r},${r}H${-1.2 * r}Z`, ...attrs }, parent);
  return svg("circle", { r, ...attrs }, parent);
}

// A colour mixed with white (opaque, so that neighbouring regions do not darken at their seam).
export const tint = (hex, amount = 0.3) => `rgb(${[1, 3, 5].map((i) =>
  Math.round(255 - amount * (255 - parseInt(hex.slice(i, i + 2), 16)))).join(",")})`;

// A point to drag: a visible dot inside a clear disc a fingertip can hold. Place it with
// handle.setAttribute("transform", `translate(x y)`), and pass it to draggable().
export function handle(parent, { color = PALETTE[7], r = 6 } = {}) {
  const g = svg("g", {}, parent);
  svg("circle", { r: 18, fill: "transparent" }, g);
  svg("circle", { r, fill: color, stroke: "white", "stroke-width": 1.5 }, g);
  return g;
}

// Make an SVG element draggable by mouse, pen or touch, and by arrow keys once focused.
// onMove([x, y]) gets the point in the figure's own units; keys move by `keyStep` units;
// onEnd() runs when the finger or button lets go, or a key is released (e.g. to sync once).
export function draggable(node, fig, onMove, { label = "drag me", keyStep = 4, current, onEnd } = {}) {
  node.setAttribute("tabindex", 0);
  node.setAttribute("role", "slider");
  node.setAttribute("aria-label", label);
  node.classList.add("lib-widget-handle");
  const toFigure = (event) => {
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(fig.node.getScreenCTM().inverse());
    return [Math.min(Math.max(p.x, fig.left), fig.right), Math.min(Math.max(p.y, fig.top), fig.bottom)];
  };
  // a finger on the handle drags it instead of scrolling the page (touch-action does not reach
  // into an SVG drawing, so the touch itself is claimed)
  node.addEventListener("touchstart", (event) => event.preventDefault(), { passive: false });
  node.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    node.setPointerCapture(event.pointerId);
    node.focus({ preventScroll: true });
  });
  node.addEventListener("pointermove", (event) => {
    if (node.hasPointerCapture(event.pointerId)) onMove(toFigure(event));
  });
  if (onEnd) for (const type of ["pointerup", "keyup"]) node.addEventListener(type, onEnd);
  node.addEventListener("keydown", (event) => {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (!(event.key in moves) || !current) return;
    event.preventDefault();
    const [x, y] = current();
    onMove([x + moves[event.key][0] * keyStep, y + moves[event.key][1] * keyStep]);
  });
  return node;
}
