/** Raw YOLO output tensors built by hand for the postprocess tests (example and property). */

/** v8 tensor [1, 4+C, N] from anchors given as {cx, cy, w, h, scores[]}. */
export function v8Output(
  anchors: { cx: number; cy: number; w: number; h: number; scores: number[] }[],
  classes: number,
) {
  const n = anchors.length;
  const data = new Float32Array((4 + classes) * n);
  anchors.forEach((a, i) => {
    data[i] = a.cx;
    data[n + i] = a.cy;
    data[2 * n + i] = a.w;
    data[3 * n + i] = a.h;
    a.scores.forEach((s, c) => {
      data[(4 + c) * n + i] = s;
    });
  });
  return { data, dims: [1, 4 + classes, n] };
}

/** v5 tensor [1, N, 5+C]. */
export function v5Output(
  anchors: { cx: number; cy: number; w: number; h: number; obj: number; scores: number[] }[],
  classes: number,
) {
  const stride = 5 + classes;
  const data = new Float32Array(anchors.length * stride);
  for (const [i, a] of anchors.entries()) data.set([a.cx, a.cy, a.w, a.h, a.obj, ...a.scores], i * stride);
  return { data, dims: [1, anchors.length, stride] };
}
