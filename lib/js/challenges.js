// The label stays, the numbers move: a photograph beside a changed copy (lib.images.apply_challenge:
// viewpoint, illumination, deformation, occlusion, background clutter), or a handwritten 3 beside
// another 3, with the L2 distance between them in pixel space. The transforms are the exported pure
// functions (checked against lib.images by the browser test); the random draws come from Python
// (lib.images.challenge_draws), so the page computes the very pictures apply_challenge computes.

import { decodeBytes, html, layout, redrawOn, select, slider } from "./ui.js";

export const CHALLENGES = ["viewpoint", "illumination", "deformation", "occlusion", "background clutter"];
const INTRA = "intra-class variation";

// sqrt(sum((a - b)^2)) over every pixel and channel (lib.images.l2_distance).
export function l2Distance(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum);
}

// Python's round(): halves go to the even neighbour.
export function roundHalfEven(x) {
  const f = Math.floor(x), d = x - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

// Bilinear interpolation of image (H x W x C, channels last) at source positions rows[k], cols[k]
// for every output pixel k, the edge pixels repeated outside: scipy's map_coordinates(order=1,
// mode="nearest") applied to each channel.
export function warp(image, [H, W, C], rows, cols) {
  const out = new Float64Array(image.length);
  const clamp = (i, n) => (i < 0 ? 0 : i >= n ? n - 1 : i);
  for (let k = 0; k < H * W; k++) {
    const r = Math.min(Math.max(rows[k], 0), H - 1), c = Math.min(Math.max(cols[k], 0), W - 1);
    const r0 = Math.floor(r), c0 = Math.floor(c), tr = r - r0, tc = c - c0;
    const r1 = clamp(r0 + 1, H), c1 = clamp(c0 + 1, W);
    for (let ch = 0; ch < C; ch++) {
      const at = (i, j) => image[(i * W + j) * C + ch];
      out[k * C + ch] = (1 - tr) * ((1 - tc) * at(r0, c0) + tc * at(r0, c1)) +
        tr * ((1 - tc) * at(r1, c0) + tc * at(r1, c1));
    }
  }
  return out;
}

// The source position of every output pixel, from f(r, c) -> [row, col].
function positions(H, W, f) {
  const rows = new Float64Array(H * W), cols = new Float64Array(H * W);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) [rows[r * W + c], cols[r * W + c]] = f(r, c);
  }
  return [rows, cols];
}

// A projective warp: rotation, and the right side pushed away from the camera.
function viewpoint(image, [H, W, C], s, { sign }) {
  const angle = ((25 * s * Math.PI) / 180) * sign, co = Math.cos(angle), si = Math.sin(angle);
  return warp(image, [H, W, C], ...positions(H, W, (r, c) => {
    const u = (c - W / 2) / W, v = (r - H / 2) / W, w = 1 + 0.9 * s * u;
    const su = ((co * u - si * v) / w) * (1 + 0.3 * s), sv = ((si * u + co * v) / w) * (1 + 0.3 * s);
    return [sv * W + H / 2, su * W + W / 2];
  }));
}

// Darker overall, with a bright spot of light at spot = [row, col] (fractions of the size).
function illumination(image, [H, W, C], s, { spot }) {
  const cy = spot[0] * H, cx = spot[1] * W, spread = 2 * (0.2 * Math.max(H, W)) ** 2;
  const out = new Float64Array(image.length);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const gain = 1 - 0.85 * s + 1.6 * s * Math.exp(-((r - cy) ** 2 + (c - cx) ** 2) / spread);
      for (let ch = 0; ch < C; ch++) out[(r * W + c) * C + ch] = image[(r * W + c) * C + ch] * gain;
    }
  }
  return out;
}

// A smooth sinusoidal bending: each pixel moves by up to 5% of the size.
function deformation(image, [H, W, C], s, { phase }) {
  const amp = 0.05 * s * Math.min(H, W);
  return warp(image, [H, W, C], ...positions(H, W, (r, c) => [
    r + amp * Math.sin((2 * Math.PI * c) / (0.6 * W) + phase[0]),
    c + amp * Math.sin((2 * Math.PI * r) / (0.5 * H) + phase[1])]));
}

// A dark board (grey level 0.15) sliding in from the left (side 0) or the right (side 1).
function occlusion(image, [H, W, C], s, { side }) {
  const width = roundHalfEven((0.3 + 0.35 * s) * W), out = Float64Array.from(image);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      if (side === 0 ? c < width : c >= W - width) out.fill(0.15, (r * W + c) * C, (r * W + c + 1) * C);
    }
  }
  return out;
}

// The image blended (weight 0.6 s) with square tiles of background moved around by perm.
function clutter(image, [H, W, C], s, { perm }, background) {
  const tile = Math.max(1, Math.floor(Math.min(H, W) / 16)), blocks = [];
  for (let i = 0; i + tile <= H; i += tile) for (let j = 0; j + tile <= W; j += tile) blocks.push([i, j]);
  const texture = Float64Array.from(background);
  blocks.forEach(([i, j], k) => {
    const [a, b] = blocks[perm[k]];
    for (let u = 0; u < tile; u++) {
      const from = ((a + u) * W + b) * C;
      texture.set(background.subarray(from, from + tile * C), ((i + u) * W + j) * C);
    }
  });
  const alpha = 0.6 * s;
  return image.map((v, k) => (1 - alpha) * v + alpha * texture[k]);
}

// lib.images.apply_challenge: image (H x W x C values in [0, 1]) changed by challenge at strength
// in [0, 1], with the random draws of lib.images.challenge_draws; the result is clipped to [0, 1].
export function applyChallenge(image, shape, challenge, strength, draws, background = image) {
  if (!CHALLENGES.includes(challenge)) throw new Error(`unknown challenge ${challenge}`);
  if (strength === 0) return Float64Array.from(image);
  const transform = { viewpoint, illumination, deformation, occlusion, "background clutter": clutter };
  const out = transform[challenge](image, shape, strength, draws, background);
  return out.map((v) => Math.min(Math.max(v, 0), 1));
}

// The indices of images (each an array) from the nearest to ref to the farthest; ties keep their order.
export function orderByDistance(images, ref) {
  const dist = images.map((image) => l2Distance(image, ref));
  return dist.map((_, i) => i).sort((i, j) => dist[i] - dist[j]);
}

// Paint values in [0, 1] (grey H x W, or RGB H x W x 3) on a canvas of H x W pixels.
function paint(canvas, values, [H, W, C], ink = false) {
  [canvas.width, canvas.height] = [W, H];
  const context = canvas.getContext("2d"), picture = context.createImageData(W, H);
  for (let k = 0; k < H * W; k++) {
    for (let ch = 0; ch < 3; ch++) {
      const v = values[k * C + (C === 3 ? ch : 0)];
      picture.data[4 * k + ch] = Math.round(255 * (ink ? 1 - v : v));  // ink: 1 is black
    }
    picture.data[4 * k + 3] = 255;
  }
  context.putImageData(picture, 0, 0);
}

// 1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, ..., 21st, ...
const ordinal = (n) => `${n}${[11, 12, 13].includes(n % 100) ? "th" : ["th", "st", "nd", "rd"][n % 10] ?? "th"}`;

function render({ model, el }) {
  const [H, W] = model.get("shape"), shape = [H, W, 3];
  const photo = decodeBytes(model.get("photo")), background = decodeBytes(model.get("background"));
  const draws = model.get("draws"), name = model.get("photo_name");
  const threes = [], flat = decodeBytes(model.get("threes"), 16);
  for (let i = 0; i < flat.length; i += 64) threes.push(flat.subarray(i, i + 64));
  const order = orderByDistance(threes, threes[0]);
  const apart = l2Distance(photo, background);

  const { controls, figures, said } = layout(el, "challenges");
  select(controls, model, "challenge", { label: "challenge", options: [...CHALLENGES, INTRA] });
  slider(controls, model, "strength", { label: "strength", min: 0, max: 1, format: (v) => v.toFixed(2) });
  figures.style.flexDirection = "column";
  const title = html("p", { style: "margin: 0; font-weight: bold" }, figures);
  const row = html("div", { style: "display: flex; gap: 0.5rem; width: 100%; max-width: 720px" }, figures);
  const panels = [0, 1].map(() => {
    const panel = html("figure", { style: "flex: 1 1 0; min-width: 0; margin: 0" }, row);
    const canvas = html("canvas", { role: "img", style: "width: 100%; height: auto; display: block" }, panel);
    return { canvas, caption: html("figcaption", { style: "font-size: 0.9rem; text-align: center" }, panel) };
  });

  redrawOn(model, ["challenge", "strength"], () => {
    const challenge = model.get("challenge"), strength = model.get("strength");
    let before, after, size, captions, sentence;
    if (challenge === INTRA) {
      const rank = Math.round(strength * (threes.length - 1));
      [before, after, size] = [threes[0], threes[order[rank]], [8, 8, 1]];
      captions = ["a handwritten 3", rank ? `another 3, the ${ordinal(rank + 1)} nearest` : "the same 3"];
      sentence = `Intra-class variation: the ${rank ? `${ordinal(rank + 1)} nearest` : "same"} of ` +
        `${threes.length} handwritten 3s`;
    } else {
      [before, size] = [photo, shape];
      after = applyChallenge(photo, shape, challenge, strength, draws[challenge], background);
      captions = [`original: a ${name}`, `${challenge}: still a ${name}`];
      sentence = `${challenge[0].toUpperCase()}${challenge.slice(1)} at strength ${strength.toFixed(2)}`;
    }
    panels.forEach(({ canvas, caption }, i) => {
      paint(canvas, [before, after][i], size, challenge === INTRA);
      canvas.style.imageRendering = challenge === INTRA ? "pixelated" : "auto";
      caption.textContent = captions[i];
      canvas.setAttribute("aria-label", captions[i]);
    });
    const d = l2Distance(before, after);
    title.textContent = `L2 distance in pixel space: ${d.toFixed(2)}`;
    said.textContent = `${sentence}: the label stays, the L2 distance is ${d.toFixed(2)}` +
      (challenge === INTRA ? " (digits on a [0, 1] scale)." : ` (the ${name} and the other photograph ` +
      `are ${apart.toFixed(1)} apart).`);
  });
}

export { decodeBytes };  // the tests decode the state as the page does
export default { render };
