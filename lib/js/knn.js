// k-nearest neighbours in the plane: the decision regions of the vote, recomputed as the reader
// drags the training points, sets k or switches between L1 and L2. The numerics are the exported
// pure functions, the same computation as lib.knn (checked against KNearestNeighbor in the
// browser test, ties included); render() draws them with SVG and redraws on every change.

import {
  PALETTE, axes, draggable, figure, handle, html, layout, marker, plotArea, redrawOn, scale, select, slider, svg, tint,
} from "./ui.js";

// Distances (as lib.knn.distances_no_loops) from the query q = [x, y] to every training point,
// written into out. L2 expands |q - t|^2 = |q|^2 + |t|^2 - 2 q.t, clips at 0 and takes the root,
// in lib's order of operations, so that equal distances there are equal here.
export function distancesTo(q, Xtrain, metric, out = new Float64Array(Xtrain.length)) {
  const qq = q[0] ** 2 + q[1] ** 2;
  for (let j = 0; j < Xtrain.length; j++) {
    const t = Xtrain[j];
    out[j] = metric === "L1" ? Math.abs(q[0] - t[0]) + Math.abs(q[1] - t[1])
      : Math.sqrt(Math.max(qq + (t[0] ** 2 + t[1] ** 2) - 2 * (q[0] * t[0] + q[1] * t[1]), 0));
  }
  return out;
}

// The k-th smallest of values (1 <= k <= length). Small k: keep the k smallest in a sorted
// buffer; larger k: quickselect on a scratch copy.
function kthSmallest(values, k, scratch = new Float64Array(values.length)) {
  const n = values.length;
  if (k <= 8) {
    let filled = 0;
    for (let j = 0; j < n; j++) {
      const v = values[j];
      if (filled === k && v >= scratch[k - 1]) continue;
      let i = filled < k ? filled++ : k - 1;
      for (; i > 0 && scratch[i - 1] > v; i--) scratch[i] = scratch[i - 1];
      scratch[i] = v;
    }
    return scratch[k - 1];
  }
  scratch.set(values);
  let lo = 0, hi = n - 1;
  while (lo < hi) {
    const pivot = scratch[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (scratch[i] < pivot) i++;
      while (scratch[j] > pivot) j--;
      if (i <= j) {
        const swap = scratch[i];
        scratch[i++] = scratch[j];
        scratch[j--] = swap;
      }
    }
    if (k - 1 <= j) hi = j;
    else if (k - 1 >= i) lo = i;
    else break;
  }
  return scratch[k - 1];
}

// The indices of the k nearest training points, by lib.knn's rule: a stable sort of the
// distances, so that of equally far points the lower training index comes first.
export function nearest(dists, k) {
  const kth = kthSmallest(dists, k), inside = [];
  for (let j = 0; j < dists.length; j++) if (dists[j] < kth) inside.push(j);
  for (let j = 0; j < dists.length && inside.length < k; j++) if (dists[j] === kth) inside.push(j);
  return inside;
}

// classify(x, y): the label the k nearest training points vote for (lib.knn.predict_labels):
// the k nearest as in nearest(), and a tied vote goes to the smallest label. The training set
// is unpacked once into flat arrays; numClasses: labels are 0..numClasses-1; base: votes
// (one per class) that come on top of these k.
function classifier(Xtrain, ytrain, k, metric, numClasses = Math.max(...ytrain) + 1, base = null) {
  const n = Xtrain.length;
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new RangeError(`k must be an integer 1..${n}, got ${k}`);
  const tx = Float64Array.from(Xtrain, (p) => p[0]), ty = Float64Array.from(Xtrain, (p) => p[1]);
  const tt = Float64Array.from(Xtrain, (p) => p[0] ** 2 + p[1] ** 2), labels = Int32Array.from(ytrain);
  const dists = new Float64Array(n), scratch = new Float64Array(n), counts = new Int32Array(numClasses);
  return (x, y) => {
    const qq = x ** 2 + y ** 2;
    if (metric === "L1") for (let j = 0; j < n; j++) dists[j] = Math.abs(x - tx[j]) + Math.abs(y - ty[j]);
    else for (let j = 0; j < n; j++) dists[j] = Math.sqrt(Math.max(qq + tt[j] - 2 * (x * tx[j] + y * ty[j]), 0));
    const kth = kthSmallest(dists, k, scratch);
    let taken = 0;
    if (base) counts.set(base);
    else counts.fill(0);
    for (let j = 0; j < n; j++) if (dists[j] < kth) counts[labels[j]]++, taken++;
    for (let j = 0; j < n && taken < k; j++) if (dists[j] === kth) counts[labels[j]]++, taken++;
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (counts[c] > counts[best]) best = c;
    return best;
  };
}

// Labels (M,) of the queries Xquery (M, 2): KNearestNeighbor(k, metric).train(Xtrain, ytrain).predict.
export function knnPredict(Xtrain, ytrain, Xquery, k, metric) {
  const classify = classifier(Xtrain, ytrain, k, metric);
  return Xquery.map(([x, y]) => classify(x, y));
}

// The label knnPredict gives each cell centre of a size x size grid over extent [x0, x1, y0, y1],
// row by row from the top. Fast because most blocks of cells need no per-cell work: no distance
// within a block moves by more than rho (from the block's centre to its farthest cell), so a
// point nearer to the centre than the k-th distance minus 2 rho is among every cell's k nearest,
// one farther than it plus 2 rho among none. If the sure votes decide the vote whatever the
// uncertain points do, the whole block gets that label; otherwise each cell adds to the sure
// votes those of its nearest uncertain points (in index order, so ties break as before).
export function regionGrid(Xtrain, ytrain, k, metric, [x0, x1, y0, y1], size, block = 5) {
  const n = Xtrain.length, numClasses = Math.max(...ytrain) + 1, eps = 1e-6;  // eps >> rounding
  const labels = new Uint8Array(size * size), dx = (x1 - x0) / size, dy = (y1 - y0) / size;
  const d0 = new Float64Array(n), scratch = new Float64Array(n);
  for (let r0 = 0; r0 < size; r0 += block) {
    for (let c0 = 0; c0 < size; c0 += block) {
      const r1 = Math.min(r0 + block, size), c1 = Math.min(c0 + block, size);
      const qx = x0 + ((c0 + c1) / 2) * dx, qy = y1 - ((r0 + r1) / 2) * dy;
      const hx = ((c1 - c0 - 1) / 2) * dx, hy = ((r1 - r0 - 1) / 2) * dy;
      const rho = metric === "L1" ? hx + hy : Math.hypot(hx, hy);
      for (let j = 0; j < n; j++) {
        const a = Xtrain[j][0] - qx, b = Xtrain[j][1] - qy;
        d0[j] = metric === "L1" ? Math.abs(a) + Math.abs(b) : Math.sqrt(a * a + b * b);
      }
      const kth = kthSmallest(d0, k, scratch), sure = new Int32Array(numClasses), open = new Int32Array(numClasses);
      const uncertain = [];
      let slots = k;
      for (let j = 0; j < n; j++) {
        if (d0[j] < kth - 2 * rho - eps) sure[ytrain[j]]++, slots--;
        else if (d0[j] <= kth + 2 * rho + eps) open[ytrain[j]]++, uncertain.push(j);
      }
      // does the leader of the sure votes win even if every open slot goes to a rival?
      let lead = 0;
      for (let c = 1; c < numClasses; c++) if (sure[c] > sure[lead]) lead = c;
      const decided = sure.every((v, c) => c === lead || sure[lead] - Math.min(slots, open[c]) > v - (c > lead));
      const classify = decided ? () => lead
        : classifier(uncertain.map((j) => Xtrain[j]), uncertain.map((j) => ytrain[j]), slots, metric, numClasses, sure);
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) labels[r * size + c] = classify(x0 + (c + 0.5) * dx, y1 - (r + 0.5) * dy);
      }
    }
  }
  return labels;
}

// One SVG path per label: the grid's cells merged into horizontal runs (a few hundred rects),
// each reaching half a unit into the next run and row so that no seam shows between them.
function regionPaths(labels, size, numClasses, fig) {
  const paths = Array.from({ length: numClasses }, () => []);
  const x = (c) => (fig.left + (c * (fig.right - fig.left)) / size).toFixed(1);
  const y = (r) => (fig.top + (r * (fig.bottom - fig.top)) / size).toFixed(1);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size;) {
      const label = labels[r * size + c];
      let end = c + 1;
      while (end < size && labels[r * size + end] === label) end++;
      paths[label].push(`M${x(c)},${y(r)}H${+x(end) + 0.5}V${+y(r + 1) + 0.5}H${x(c)}z`);
      c = end;
    }
  }
  return paths.map((runs) => runs.join(""));
}

function render({ model, el }) {
  const y = model.get("y"), extent = model.get("extent"), size = model.get("grid");
  const numClasses = Math.max(...y) + 1, [x0, x1, y0, y1] = extent;
  const { controls, figures, said } = layout(el, "knn");
  slider(controls, model, "k", { label: "k (neighbours who vote)", min: 1, max: model.get("k_max"), step: 1,
    format: (v) => `${v}` });
  select(controls, model, "metric", { label: "distance",
    options: [["L2", "L2 (Euclidean)"], ["L1", "L1 (Manhattan)"]] });

  const fig = figure(figures, { width: 340, height: 334, margin: [8, 8, 34, 40],  // a square plot
    label: "k-nearest-neighbour decision regions" });
  const sx = scale([x0, x1], [fig.left, fig.right]), sy = scale([y0, y1], [fig.bottom, fig.top]);
  axes(fig, sx, sy, { xLabel: "x₁", yLabel: "x₂" });
  const inside = plotArea(fig);
  const regions = PALETTE.slice(0, numClasses).map((color) =>
    svg("path", { fill: tint(color) }, inside));
  // a tap on the background moves the query point there
  svg("rect", { x: fig.left, y: fig.top, width: fig.right - fig.left, height: fig.bottom - fig.top,
    fill: "transparent" }, inside).addEventListener("click", (event) => {
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(fig.node.getScreenCTM().inverse());
    model.set("query", [sx.invert(p.x), sy.invert(p.y)]);
    model.save_changes();
  });

  // the training points: drag to move (mouse, touch, or arrow keys once focused)
  const moveTo = (i, [px, py]) => {
    const X = model.get("X").map((p) => p.slice());
    X[i] = [+sx.invert(px).toFixed(4), +sy.invert(py).toFixed(4)];
    model.set("X", X);
  };
  const dots = y.map((label, i) => {
    const dot = handle(inside, { color: PALETTE[label] });
    dot.lastChild.remove();
    marker(dot, label);
    draggable(dot, fig, (p) => moveTo(i, p), { label: `training point ${i}, class ${label}`,
      current: () => [sx(model.get("X")[i][0]), sy(model.get("X")[i][1])] });
    for (const type of ["pointerup", "keyup"]) dot.addEventListener(type, () => model.save_changes());
    return dot;
  });
  // the query point, joined to its k nearest inside the ball (L2: circle, L1: diamond) they span
  const spokes = svg("path", { stroke: "#222", "stroke-width": 1, "pointer-events": "none" }, inside);
  const ball = svg("path", { fill: "none", stroke: "#222", "stroke-width": 1.5, "stroke-dasharray": "5 3",
    "pointer-events": "none" }, inside);
  const query = handle(inside, { color: "white" });
  query.lastChild.setAttribute("stroke", "black");
  query.lastChild.setAttribute("stroke-width", 2.5);
  draggable(query, fig, ([px, py]) => model.set("query", [sx.invert(px), sy.invert(py)]), {
    label: "query point", current: () => [sx(model.get("query")[0]), sy(model.get("query")[1])] });
  query.addEventListener("pointerup", () => model.save_changes());

  redrawOn(model, ["X", "k", "metric", "query"], () => {
    const X = model.get("X"), k = model.get("k"), metric = model.get("metric"), q = model.get("query");
    const labels = regionGrid(X, y, k, metric, extent, size);
    const paths = regionPaths(labels, size, numClasses, fig);
    regions.forEach((path, c) => path.setAttribute("d", paths[c]));
    X.forEach(([a, b], i) => {
      dots[i].setAttribute("transform", `translate(${sx(a)} ${sy(b)})`);
      dots[i].setAttribute("aria-valuetext", `(${a.toFixed(2)}, ${b.toFixed(2)})`);
    });

    // the query's k nearest and their ball
    const dists = distancesTo(q, X, metric), near = nearest(dists, k);
    const votes = new Array(numClasses).fill(0);
    for (const j of near) votes[y[j]]++;
    const label = knnPredict(X, y, [q], k, metric)[0];
    const [qx, qy] = [sx(q[0]), sy(q[1])], r = Math.max(...near.map((j) => dists[j])) * (sx(1) - sx(0));
    spokes.setAttribute("d", near.map((j) => `M${qx},${qy}L${sx(X[j][0])},${sy(X[j][1])}`).join(""));
    ball.setAttribute("d", metric === "L2" ? `M${qx - r},${qy}a${r},${r} 0 1 0 ${2 * r},0a${r},${r} 0 1 0 ${-2 * r},0`
      : `M${qx - r},${qy}L${qx},${qy - r}L${qx + r},${qy}L${qx},${qy + r}Z`);
    query.setAttribute("transform", `translate(${qx} ${qy})`);
    query.setAttribute("aria-valuetext", `(${q[0].toFixed(4)}, ${q[1].toFixed(4)})`);
    query.lastChild.setAttribute("fill", PALETTE[label]);
    said.textContent = `k = ${k}, ${metric} distance. The query point (${q[0].toFixed(2)}, ${q[1].toFixed(2)}): ` +
      `its ${k} nearest training point${k > 1 ? "s" : ""} vote ${votes.map((v, c) => `${v} for class ${c}`)
        .join(", ")}, so it is class ${label}.`;
    fig.node.setAttribute("aria-label", `Decision regions of ${k}-nearest neighbours, ${metric} distance. ` +
      said.textContent);
  });
  html("p", { class: "lib-widget-said" }, el, "Drag the training points or the white query point; " +
    "tap the background to move the query there.");
}

export default { render };
