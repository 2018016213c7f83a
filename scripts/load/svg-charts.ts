/**
 * Small inline-SVG charts for the self-contained HTML reports (no scripts, no CDN):
 * a scatter of latency over time and a histogram.
 */

export interface ScatterPoint {
  x: number;
  y: number;
  ok: boolean;
}

const WIDTH = 860;
const HEIGHT = 320;
const PAD = { left: 64, right: 16, top: 16, bottom: 44 };

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10])
    if (value <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

function axes(xMax: number, yMax: number, xLabel: string, yLabel: string): string {
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const parts: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const y = PAD.top + plotH - (i / 5) * plotH;
    const x = PAD.left + (i / 5) * plotW;
    parts.push(
      `<line x1="${PAD.left}" y1="${y}" x2="${WIDTH - PAD.right}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${formatTick((i / 5) * yMax)}</text>`,
      `<text x="${x}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${formatTick((i / 5) * xMax)}</text>`,
    );
  }
  parts.push(
    `<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${WIDTH - PAD.right}" y2="${PAD.top + plotH}" stroke="#333"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${PAD.top + plotH}" stroke="#333"/>`,
    `<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text x="14" y="${PAD.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 14 ${PAD.top + plotH / 2})">${escapeXml(yLabel)}</text>`,
  );
  return parts.join('');
}

function formatTick(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

function svg(title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title>${body}</svg>`;
}

/** Scatter of points (green ok, red failed) plus an optional line (e.g. rolling p50). */
export function renderScatterSvg(opts: {
  title: string;
  points: readonly ScatterPoint[];
  line?: readonly { x: number; y: number }[];
  xLabel: string;
  yLabel: string;
}): string {
  const xMax = niceMax(Math.max(0, ...opts.points.map((p) => p.x)));
  const yMax = niceMax(Math.max(0, ...opts.points.map((p) => p.y)));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const sx = (x: number) => (PAD.left + (x / xMax) * plotW).toFixed(1);
  const sy = (y: number) => (PAD.top + plotH - (Math.min(y, yMax) / yMax) * plotH).toFixed(1);
  const dots = opts.points
    .map(
      (p) =>
        `<circle cx="${sx(p.x)}" cy="${sy(p.y)}" r="2.2" fill="${p.ok ? '#2b8a3e' : '#c92a2a'}" fill-opacity="0.6"/>`,
    )
    .join('');
  const line =
    opts.line && opts.line.length > 1
      ? `<polyline fill="none" stroke="#1864ab" stroke-width="1.8" points="${opts.line.map((p) => `${sx(p.x)},${sy(p.y)}`).join(' ')}"/>`
      : '';
  return svg(opts.title, `${axes(xMax, yMax, opts.xLabel, opts.yLabel)}${dots}${line}`);
}

export function renderHistogramSvg(opts: {
  title: string;
  values: readonly number[];
  bins?: number;
  xLabel: string;
}): string {
  const bins = opts.bins ?? 30;
  const max = niceMax(Math.max(0, ...opts.values));
  const counts = new Array<number>(bins).fill(0);
  for (const v of opts.values) counts[Math.min(bins - 1, Math.floor((v / max) * bins))]! += 1;
  const yMax = niceMax(Math.max(1, ...counts));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const barW = plotW / bins;
  const bars = counts
    .map((c, i) => {
      const h = (c / yMax) * plotH;
      return `<rect x="${(PAD.left + i * barW + 1).toFixed(1)}" y="${(PAD.top + plotH - h).toFixed(1)}" width="${Math.max(1, barW - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="#1864ab"><title>${formatTick((i / bins) * max)}-${formatTick(((i + 1) / bins) * max)}: ${c}</title></rect>`;
    })
    .join('');
  return svg(opts.title, `${axes(max, yMax, opts.xLabel, 'requests')}${bars}`);
}

export { escapeXml };
