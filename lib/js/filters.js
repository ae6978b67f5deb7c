// Hand-made filters: one small kernel slid over a whole grey photograph, computed in the page.
// The chapter's filters (Sobel, blurs, sharpening, the gradient magnitude) or a 3 x 3 kernel the
// reader types in. conv2d is lib.conv.conv_forward_im2col on one channel with "same" zero padding
// (cross-correlation: the kernel is not flipped), checked against it by the browser test.

import { decodeBytes, html, layout, redrawOn, select } from "./ui.js";

const OWN = "your own 3x3 kernel", MAGNITUDE = "gradient magnitude";

// out[i][j] = sum over u, v of x_pad[i + u][j + v] kernel[u][v]: image (H x W, row-major) with
// `padding` zeros on every side, stride 1; returns the H' x W' output and its shape.
export function conv2d(image, [H, W], kernel, padding = 0) {
  const KH = kernel.length, KW = kernel[0].length;
  const Ho = H - KH + 2 * padding + 1, Wo = W - KW + 2 * padding + 1, out = new Float64Array(Ho * Wo);
  for (let i = 0; i < Ho; i++) {
    for (let j = 0; j < Wo; j++) {
      let sum = 0;
      for (let u = 0; u < KH; u++) {
        const r = i + u - padding;
        if (r < 0 || r >= H) continue;
        for (let v = 0; v < KW; v++) {
          const c = j + v - padding;
          if (c >= 0 && c < W) sum += image[r * W + c] * kernel[u][v];
        }
      }
      out[i * Wo + j] = sum;
    }
  }
  return { out, shape: [Ho, Wo] };
}

// numpy.percentile(values, q) with its default linear interpolation between order statistics.
export function percentile(values, q) {
  const sorted = Float64Array.from(values).sort(), at = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(at), hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
}

// The filter `name` on a grey image: a kernel of filters (with "same" padding K // 2), or for the
// gradient magnitude sqrt(Gx^2 + Gy^2) of the two Sobel outputs; `own` is the reader's kernel.
export function applyFilter(name, image, shape, filters, own) {
  if (name === MAGNITUDE) {
    const [gx, gy] = Object.keys(filters).filter((k) => k.startsWith("Sobel")).map((k) =>
      applyFilter(k, image, shape, filters, own));
    return gx.map((v, k) => Math.sqrt(v ** 2 + gy[k] ** 2));
  }
  const kernel = name === OWN ? own : filters[name];
  return conv2d(image, shape, kernel, Math.floor(kernel.length / 2)).out;
}

// How the chapter shows an output: signed (red +, blue -, up to the 99th percentile of |value|) for
// the Sobel derivatives and for a kernel that sums to 0; grey levels from 0 to the 99.5th
// percentile for the magnitude, and from 0 to 1 (black to white) for the rest.
export function displayRange(name, values, own) {
  const sum = own.flat().reduce((a, b) => a + b, 0);
  if (name.startsWith("Sobel") || (name === OWN && Math.abs(sum) < 1e-9)) {
    return { signed: true, lo: 0, hi: percentile(values.map(Math.abs), 99) };
  }
  return { signed: false, lo: 0, hi: name === MAGNITUDE ? percentile(values, 99.5) : 1 };
}

// matplotlib's RdBu_r: ColorBrewer's eleven colours from blue (-1) through white to red (+1).
const RDBU_R = ["#053061", "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fddbc7", "#f4a582",
  "#d6604d", "#b2182b", "#67001f"].map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));

function colour(t, signed) {  // t in [0, 1]
  if (!signed) return [255 * t, 255 * t, 255 * t];
  const at = t * 10, k = Math.min(Math.floor(at), 9), f = at - k;
  return RDBU_R[k].map((a, i) => a + f * (RDBU_R[k + 1][i] - a));
}

function paint(canvas, values, [H, W], { signed, lo, hi }) {
  [canvas.width, canvas.height] = [W, H];
  const context = canvas.getContext("2d"), picture = context.createImageData(W, H);
  const [a, b] = signed ? [-hi, hi] : [lo, hi];
  for (let k = 0; k < H * W; k++) {
    const t = Math.min(Math.max((values[k] - a) / (b - a || 1), 0), 1);
    picture.data.set([...colour(t, signed).map(Math.round), 255], 4 * k);
  }
  context.putImageData(picture, 0, 0);
}

const short = (v) => `${+v.toPrecision(2)}`;

function render({ model, el }) {
  const shape = model.get("shape"), filters = model.get("filters"), photos = {};
  for (const [name, text] of Object.entries(model.get("photos"))) photos[name] = decodeBytes(text);
  const { controls, figures, said } = layout(el, "filters");
  select(controls, model, "filter", { label: "filter", options: [...Object.keys(filters), OWN] });
  select(controls, model, "photo", { label: "photo", options: Object.keys(photos) });

  const panel = html("div", { style: "flex: 0 0 auto; display: flex; flex-direction: column; gap: 0.3rem" }, figures);
  const kernelTitle = html("p", { style: "margin: 0; font-size: 0.9rem" }, panel);
  const grid = html("div", { style: "display: grid; gap: 3px; justify-content: start" }, panel);
  const note = html("p", { style: "margin: 0; font-size: 0.9rem; max-width: 13rem" }, panel);
  const right = html("figure", { style: "flex: 1 1 280px; max-width: 640px; margin: 0" }, figures);
  const canvas = html("canvas", { role: "img", style: "width: 100%; height: auto; display: block" }, right);
  const caption = html("figcaption", { style: "font-size: 0.9rem" }, right);

  // the kernel as number fields: a 3 x 3 one can be typed into (which makes it the reader's own)
  const cells = Array.from({ length: 9 }, (_, k) => html("input", { type: "number", step: "any", inputmode: "decimal",
    style: "width: 4rem; min-height: 44px; box-sizing: border-box; font: inherit",
    "aria-label": `kernel row ${Math.floor(k / 3) + 1}, column ${(k % 3) + 1}` }));
  for (const cell of cells) {
    cell.addEventListener("input", () => {
      const values = cells.map((c) => (Number.isFinite(parseFloat(c.value)) ? parseFloat(c.value) : 0));
      model.set("kernel", [0, 3, 6].map((r) => values.slice(r, r + 3)));
      if (model.get("filter") !== OWN) model.set("filter", OWN);
      model.save_changes();
    });
  }
  const showKernel = () => {
    const name = model.get("filter"), kernel = name === OWN ? model.get("kernel") : filters[name];
    const K = kernel ? kernel.length : 0;
    kernelTitle.textContent = !kernel ? "no kernel of its own:" : `kernel ${K} x ${K}` +
      (K === 3 ? " (type to change it)" : "");
    note.textContent = !kernel ? "sqrt(Gx² + Gy²) of the two Sobel outputs" :
      K === 3 ? "" : "pick your own 3x3 kernel to type one";
    grid.style.gridTemplateColumns = `repeat(${K}, auto)`;
    if (K !== 3) {
      grid.replaceChildren(...(kernel ?? []).flat().map((v) => html("span", { style: "min-width: 2.8rem; " +
        "padding: 0.6rem 0.1rem; border: 1px solid #bbb; text-align: center; font-size: 0.85rem" }, null, short(v))));
      return;
    }
    if (grid.firstChild !== cells[0]) grid.replaceChildren(...cells);
    kernel.flat().forEach((v, k) => {  // leave the field being typed into as it is
      if (cells[k] !== document.activeElement && cells[k].getRootNode().activeElement !== cells[k]) {
        cells[k].value = `${v}`;
      }
    });
  };
  redrawOn(model, ["filter", "kernel"], showKernel);

  redrawOn(model, ["filter", "photo", "kernel"], () => {
    const name = model.get("filter"), photo = model.get("photo"), own = model.get("kernel");
    const out = applyFilter(name, photos[photo], shape, filters, own);
    const range = displayRange(name, out, own);
    paint(canvas, out, shape, range);
    caption.textContent = `${name} on '${photo}' (${shape[0]} x ${shape[1]}), ` +
      (range.signed ? `red +, blue -, up to ±${short(range.hi)}` : `black 0 to white ${short(range.hi)}`);
    canvas.setAttribute("aria-label", caption.textContent);
    const kernel = name === OWN ? ` [${own.map((r) => r.join(", ")).join("; ")}]` : "";
    const lo = out.reduce((a, b) => Math.min(a, b)), hi = out.reduce((a, b) => Math.max(a, b));
    said.textContent = `${name}${kernel} on the ${photo} photograph: outputs from ${short(lo)} to ${short(hi)}, ` +
      `shown ${range.signed ? "red for positive, blue for negative" : "in grey"}.`;
  });
}

export { decodeBytes };  // the tests decode the state as the page does
export default { render };
