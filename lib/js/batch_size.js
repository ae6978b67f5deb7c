// Minibatch SGD on the digits: the chapter's measured loss curves for each batch size B, against
// the steps taken and against the examples seen, and the measured gradient noise against B with
// the noise that sampling without replacement predicts. The curves are measured (lib.train), so
// they come as state; what follows from them (the epochs axis, the 1/sqrt(B) law) is computed
// here by the exported pure functions, which the browser test checks against the chapter's numpy.

import { PALETTE, axes, figure, layout, plotArea, points, redrawOn, scale, select, svg } from "./ui.js";

// The spread of a minibatch gradient around the full one, relative to one example's:
// sqrt((N - B) / (B (N - 1))), about 1/sqrt(B) for B << N and 0 at B = N.
export function gradientNoiseTheory(B, N) {
  return Math.sqrt((N - B) / (B * (N - 1)));
}

// The epochs (examples seen / N) after each of the given steps with batches of B.
export function epochsSeen(steps, B, N) {
  return steps.map((t) => (t * Math.min(B, N)) / N);
}

// Numbers as the page writes them: 3 significant digits, thousands with a comma.
const fmt = (v) => (v >= 1000 ? Math.round(v).toLocaleString("en-US") : `${+v.toPrecision(3)}`);

function render({ model, el }) {
  const N = model.get("N"), sizes = model.get("sizes"), names = model.get("names");
  const curves = model.get("curves"), noise = model.get("noise");
  const { controls, figures, said } = layout(el, "batch-size");
  select(controls, model, "batch", { label: "batch size B", options: sizes.map((B, k) => [B, names[k]]) });
  const choose = (B) => {
    if (model.get("batch") === B) return;
    model.set("batch", B);
    model.save_changes();
  };
  const [lossMax, lastStep] = [2.4, Math.max(...curves.map((c) => c.steps[c.steps.length - 1]))];

  // the loss per step (log axis) and per example seen; each curve answers the pointer
  const panels = [["loss per step", "steps (log scale)", scale([1, lastStep], [0, 1], { log: true }),
    (c) => c.steps], ["loss per example seen", "epochs (examples seen / N)", scale([0, 5], [0, 1]),
    (c, k) => epochsSeen(c.steps, sizes[k], N)]].map(([title, xLabel, unit, xs]) => {
    const fig = figure(figures, { width: 300, height: 240, margin: [24, 10, 36, 44] });
    const sx = scale(unit.domain, [fig.left, fig.right], { log: title === "loss per step" });
    const sy = scale([0, lossMax], [fig.bottom, fig.top]);
    axes(fig, sx, sy, { xLabel, yLabel: "minibatch loss (smoothed)", format: fmt,
      xTicks: title === "loss per step" ? [1, 10, 100, 1000] : undefined });
    svg("text", { x: fig.width / 2, y: 16, "text-anchor": "middle", "font-size": 13 }, fig.node).textContent = title;
    const inside = plotArea(fig);
    const lines = curves.map((c, k) => {
      const pts = points(xs(c, k).map((x, i) => [x, c.loss[i]]), sx, sy);
      const line = svg("polyline", { points: pts, fill: "none" }, inside);
      const target = svg("polyline", { points: pts, fill: "none", stroke: "transparent", "stroke-width": 14,
        "pointer-events": "stroke", cursor: "pointer" }, inside);
      for (const event of ["pointerenter", "pointerdown"]) target.addEventListener(event, () => choose(sizes[k]));
      return line;
    });
    return { fig, lines };
  });

  // the gradient noise against B: measured points (B < N) and the law through the first
  const fig = figure(figures, { width: 300, height: 240, margin: [24, 10, 36, 50] });
  const measured = sizes.map((B, k) => [B, noise[k]]).filter(([B]) => B < N);
  const sx = scale([0.7, 1.6 * measured[measured.length - 1][0]], [fig.left, fig.right], { log: true });
  const sy = scale([0.1 * Math.min(...measured.map(([, v]) => v)), 2 * noise[0]], [fig.bottom, fig.top],
    { log: true });
  axes(fig, sx, sy, { xLabel: "batch size B", yLabel: "|g_B − g| / |g|", xTicks: [1, 10, 100],
    yTicks: [0.1, 1, 10].filter((v) => v >= sy.domain[0] && v <= sy.domain[1]), format: fmt });
  const noiseTitle = svg("text", { x: fig.width / 2, y: 16, "text-anchor": "middle", "font-size": 13 }, fig.node);
  const inside = plotArea(fig), Bs = [];
  for (let B = 1; B <= measured[measured.length - 1][0]; B *= 1.1) Bs.push(B);
  svg("polyline", { points: points(Bs.map((B) => [B, noise[0] * gradientNoiseTheory(B, N)]), sx, sy),
    fill: "none", stroke: PALETTE[8], "stroke-dasharray": "5 4" }, inside);
  svg("polyline", { points: points(measured, sx, sy), fill: "none", stroke: PALETTE[0] }, inside);
  for (const [B, v] of measured) {
    const dot = svg("circle", { cx: sx(B), cy: sy(v), r: 3.5, fill: PALETTE[0] }, inside);
    const target = svg("circle", { cx: sx(B), cy: sy(v), r: 14, fill: "transparent", cursor: "pointer" }, inside);
    for (const event of ["pointerenter", "pointerdown"]) target.addEventListener(event, () => choose(B));
    dot.dataset.batch = B;
  }
  const chosen = svg("circle", { r: 7, fill: PALETTE[5], stroke: "white", "pointer-events": "none" }, inside);
  const legend = svg("g", { "font-size": 11 }, fig.node);
  svg("path", { d: `M${fig.right - 96},${fig.top + 12}h18`, stroke: PALETTE[0] }, legend);
  svg("text", { x: fig.right - 74, y: fig.top + 16 }, legend).textContent = "measured";
  svg("path", { d: `M${fig.right - 96},${fig.top + 28}h18`, stroke: PALETTE[8], "stroke-dasharray": "5 4" }, legend);
  svg("text", { x: fig.right - 74, y: fig.top + 32 }, legend).textContent = "~ 1/sqrt(B)";

  redrawOn(model, ["batch"], () => {
    const B = model.get("batch"), k = sizes.indexOf(B), curve = curves[k];
    for (const { fig: panel, lines } of panels) {
      lines.forEach((line, j) => {
        line.setAttribute("stroke", j === k ? PALETTE[5] : PALETTE[8]);
        line.setAttribute("stroke-width", j === k ? 2.4 : 1);
        line.setAttribute("opacity", j === k ? 1 : 0.6);
      });
      lines[k].parentNode.appendChild(lines[k]);  // the chosen curve on top
      panel.node.setAttribute("aria-label", `minibatch loss curves; B = ${names[k]} highlighted`);
    }
    const theory = noise[0] * gradientNoiseTheory(B, N);
    chosen.setAttribute("display", B < N ? "inline" : "none");
    if (B < N) chosen.setAttribute("transform", `translate(${sx(B)} ${sy(noise[k])})`);
    noiseTitle.textContent = `gradient noise: ${fmt(noise[k])}`;
    const steps = curve.steps[curve.steps.length - 1], last = curve.loss[curve.loss.length - 1];
    said.textContent = `B = ${names[k]}: ${fmt(steps)} steps in 5 epochs, smoothed loss at the end ${fmt(last)} ` +
      `(B = ${names[0]}: ${fmt(curves[0].loss[curves[0].loss.length - 1])}, ${names[names.length - 1]}: ` +
      `${fmt(curves[curves.length - 1].loss[curves[curves.length - 1].loss.length - 1])}); gradient noise ` +
      `${fmt(noise[k])}, where 1/sqrt(B) sampling predicts ${fmt(theory)}.`;
    fig.node.setAttribute("aria-label", `gradient noise against batch size; B = ${names[k]}: ${fmt(noise[k])}`);
  });
}

export default { render };
