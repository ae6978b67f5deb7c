// Convolution arithmetic: where a filter of size K goes on an input of width W with padding P and
// stride S, the output size (W - K + 2P) / S + 1, the parameters and the multiply-adds of a layer of
// such filters (lib.conv.conv_layer_stats, checked for every setting of the sliders by the browser
// test). render() draws the padded input with the filter's windows and the stack of output maps.

import { PALETTE, figure, html, layout, redrawOn, slider, svg } from "./ui.js";

// lib.conv.conv_output_size: (W - K + 2P) // S + 1, floored as torch does; a filter larger than
// the padded input is an error.
export function convOutputSize(size, kernel, padding = 0, stride = 1) {
  if (kernel > size + 2 * padding) {
    throw new RangeError(`kernel ${kernel} is larger than the padded input ${size} + 2 * ${padding}`);
  }
  return Math.floor((size - kernel + 2 * padding) / stride) + 1;
}

// lib.conv.conv_fits: the last window ends exactly at the padded input's edge (S divides W - K + 2P).
export function convFits(size, kernel, padding = 0, stride = 1) {
  convOutputSize(size, kernel, padding, stride);
  return (size - kernel + 2 * padding) % stride === 0;
}

// lib.conv.conv_layer_stats: numFilters K x K filters (each C x K x K, and a bias) on a C x H x W input.
export function convLayerStats([C, H, W], numFilters, kernel, padding = 0, stride = 1) {
  const F = numFilters, K = kernel;
  const Ho = convOutputSize(H, K, padding, stride), Wo = convOutputSize(W, K, padding, stride);
  return { outShape: [F, Ho, Wo], weightShape: [F, C, K, K], params: F * C * K * K + F,
    macs: F * Ho * Wo * C * K * K, fits: convFits(H, K, padding, stride) && convFits(W, K, padding, stride) };
}

const SIDE = 300, VIEW = 11;  // a figure's width; grids up to VIEW cells keep one scale and do not jump
const GREY = "#d9d9d9", UNREACHED = "#f4b6a0", LINE = "#999";

function render({ model, el }) {
  const C = model.get("channels");
  const { controls, figures, said } = layout(el, "conv-arithmetic");
  const ranges = model.get("ranges");
  for (const [name, label] of [["size", "input size W"], ["kernel", "filter size K"], ["padding", "padding P"],
    ["stride", "stride S"], ["filters", "filters"]]) {
    const [min, max] = ranges[name];
    slider(controls, model, name, { label, min, max, step: 1, format: (v) => `${v}` });
  }
  const [formula, costs] = [0, 1].map(() => html("p", { style: "margin: 0.2rem 0; width: 100%" }, figures));
  costs.style.fontWeight = "bold";
  const inFig = figure(figures, { width: SIDE, height: SIDE + 30, margin: [30, 0, 0, 0], label: "the padded input" });
  const outFig = figure(figures, { width: SIDE, height: SIDE + 30, margin: [30, 0, 0, 0], label: "the output maps" });
  const layers = [inFig, outFig].map((fig) => ({
    title: svg("text", { x: SIDE / 2, y: 20, "text-anchor": "middle", "font-size": 15 }, fig.node),
    grid: svg("g", {}, fig.node) }));

  redrawOn(model, ["size", "kernel", "padding", "stride", "filters"], () => {
    const [W, K, P, S, F] = ["size", "kernel", "padding", "stride", "filters"].map((n) => model.get(n));
    const full = W + 2 * P;
    let stats = null;
    try {
      stats = convLayerStats([C, W, W], F, K, P, S);
    } catch {
      stats = null;
    }
    const n = stats ? stats.outShape[1] : 0, stack = 0.3 * (F - 1);
    const cell = (SIDE - 8) / Math.max(VIEW, full, n + stack);
    const inGrid = layers[0].grid, outGrid = layers[1].grid;
    inGrid.replaceChildren();
    outGrid.replaceChildren();

    // the input: white cells inside grey padding, light red where no window reaches
    const x0 = (SIDE - full * cell) / 2, y0 = inFig.top + (SIDE - full * cell) / 2;
    const reached = stats ? (n - 1) * S + K : 0;
    for (let i = 0; i < full; i++) {
      for (let j = 0; j < full; j++) {
        const inside = i >= P && i < P + W && j >= P && j < P + W;
        const fill = stats && (i >= reached || j >= reached) ? UNREACHED : inside ? "white" : GREY;
        svg("rect", { x: x0 + j * cell, y: y0 + i * cell, width: cell, height: cell, fill, stroke: LINE,
          "stroke-width": 0.6 }, inGrid);
      }
    }
    const windows = [[0, 0, PALETTE[1], ""], [0, 1, PALETTE[0], "6 4"], [n - 1, n - 1, PALETTE[2], ""]];
    const shown = n === 1 ? windows.slice(0, 1) : windows;
    if (stats) {
      for (const [i, j, color, dash] of shown) {
        svg("rect", { x: x0 + j * S * cell, y: y0 + i * S * cell, width: K * cell, height: K * cell, fill: "none",
          stroke: color, "stroke-width": 3, "stroke-dasharray": dash }, inGrid);
      }
      const dots = svg("g", { fill: "black" }, inGrid), r = Math.min(2.5, cell / 5);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          svg("circle", { cx: x0 + (j * S + K / 2) * cell, cy: y0 + (i * S + K / 2) * cell, r }, dots);
        }
      }
    } else {
      svg("rect", { x: x0, y: y0, width: K * cell, height: K * cell, fill: "none", stroke: PALETTE[5],
        "stroke-width": 3 }, inGrid);
    }
    layers[0].title.textContent = `input ${W} x ${W}, padding ${P}: ${full} x ${full}`;

    // the output: F maps stacked up and to the right, the three windows' outputs coloured alike
    const ox = (SIDE - (n + stack) * cell) / 2, oy = outFig.top + (SIDE - (n - stack) * cell) / 2;
    for (let f = F - 1; stats && f >= 0; f--) {
      const g = svg("g", { transform: `translate(${0.3 * f * cell} ${-0.3 * f * cell})` }, outGrid);
      svg("rect", { x: ox, y: oy, width: n * cell, height: n * cell, fill: "white", stroke: "#777" }, g);
      if (f > 0) continue;
      for (const [i, j, color] of shown) {
        svg("rect", { x: ox + j * cell, y: oy + i * cell, width: cell, height: cell, fill: color, opacity: 0.8 }, g);
      }
      for (let k = 1; k < n; k++) {
        svg("path", { d: `M${ox + k * cell},${oy}v${n * cell}M${ox},${oy + k * cell}h${n * cell}`, stroke: LINE,
          "stroke-width": 0.6 }, g);
      }
    }
    layers[1].title.textContent = stats ? `output ${F} x ${n} x ${n}` : "no output";
    // the output's picture is only as tall as its maps, drawn at the input's scale
    const tall = Math.max(120, 46 + (n + stack) * cell);
    outGrid.setAttribute("transform", `translate(0 ${outFig.top + 8 - oy + 0.3 * (F - 1) * cell})`);
    outFig.node.setAttribute("viewBox", `0 0 ${SIDE} ${tall}`);

    const exact = (W - K + 2 * P) / S + 1;
    const plural = F > 1 ? "s" : "";
    const setting = `${C} x ${W} x ${W} input, ${F} filter${plural} of ${C} x ${K} x ${K}, padding ${P}, stride ${S}`;
    if (!stats) {
      formula.textContent = `The ${K} x ${K} filter is larger than the padded input (${full} x ${full}).`;
      costs.textContent = "no output";
      said.textContent = `${setting}: the filter does not fit inside the padded input; there is no output.`;
    } else {
      const fits = stats.fits ? "" : `: does not fit (S = ${S} does not divide ${W - K + 2 * P}; torch floors to ${n})`;
      formula.textContent = `(W - K + 2P) / S + 1 = (${W} - ${K} + ${2 * P}) / ${S} + 1 = ` +
        `${+exact.toFixed(2)}${fits}`;
      costs.textContent = `output ${stats.outShape.join(" x ")}: ${stats.params.toLocaleString("en")} parameters, ` +
        `${stats.macs.toLocaleString("en")} multiply-adds`;
      said.textContent = `${setting}: output ${stats.outShape.join(" x ")}, ` +
        `${stats.params.toLocaleString("en")} parameters, ${stats.macs.toLocaleString("en")} multiply-adds` +
        (stats.fits ? "." : `; the filter does not fit, the cells in light red are never covered.`);
    }
    inFig.node.setAttribute("aria-label", said.textContent);
  });
}

export default { render };
