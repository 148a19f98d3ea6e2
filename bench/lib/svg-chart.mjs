// Charts for the bench report as plain SVG text, with no dependency: a line chart for numeric
// series (`lines: { name: [[x, y], ...] }`) and a horizontal bar chart for categorical ones
// (`kind: "bar"`, `bars: [[label, value], ...]`). Pure functions of their input, so the same
// results always give the same bytes.

const WIDTH = 720;
const HEIGHT = 400;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';
/** Distinguishable in colour and in grey (Okabe–Ito). */
const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];

/** The SVG of one series (see bench/README.md, "Writing a benchmark", for its shape). */
export function svgChart(series) {
  return series.kind === "bar" ? barChart(series) : lineChart(series);
}

function lineChart(series) {
  const lines = Object.entries(series.lines ?? {}).filter(([, points]) => points.length > 0);
  const margin = { top: 48, right: 150, bottom: 56, left: 72 };
  const plotW = WIDTH - margin.left - margin.right;
  const plotH = HEIGHT - margin.top - margin.bottom;
  const xs = lines.flatMap(([, points]) => points.map(([x]) => x));
  const ys = lines.flatMap(([, points]) => points.map(([, y]) => y));
  const log = series.xScale === "log" && xs.every((x) => x > 0);
  const xTicks = log
    ? [...new Set(xs)].sort((a, b) => a - b)
    : niceTicks(Math.min(...xs), Math.max(...xs));
  const yTicks = niceTicks(Math.min(0, ...ys), Math.max(...ys));
  const [x0, x1] = log ? [Math.min(...xs), Math.max(...xs)] : [xTicks[0], xTicks.at(-1)];
  const [y0, y1] = [yTicks[0], yTicks.at(-1)];
  const f = log ? Math.log2 : (v) => v;
  const sx = (x) =>
    margin.left + (x1 === x0 ? plotW / 2 : ((f(x) - f(x0)) / (f(x1) - f(x0))) * plotW);
  const sy = (y) => margin.top + plotH - (y1 === y0 ? plotH / 2 : ((y - y0) / (y1 - y0)) * plotH);

  const out = [open(series.title)];
  out.push(axes(margin, plotW, plotH, series));
  for (const tick of yTicks) {
    const y = n(sy(tick));
    out.push(
      `<line x1="${margin.left}" y1="${y}" x2="${margin.left + plotW}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${margin.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${num(tick)}</text>`,
    );
  }
  for (const tick of xTicks) {
    const x = n(sx(tick));
    const bottom = margin.top + plotH;
    out.push(
      `<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}" stroke="#333"/>`,
      `<text x="${x}" y="${bottom + 18}" text-anchor="middle">${num(tick)}</text>`,
    );
  }
  lines.forEach(([name, points], i) => {
    const colour = COLOURS[i % COLOURS.length];
    const sorted = [...points].sort((a, b) => a[0] - b[0]);
    const path = sorted.map(([x, y], j) => `${j ? "L" : "M"}${n(sx(x))},${n(sy(y))}`).join(" ");
    out.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const [x, y] of sorted) {
      out.push(
        `<circle cx="${n(sx(x))}" cy="${n(sy(y))}" r="3" fill="${colour}"><title>${esc(name)}: ${num(x)}, ${num(y)}</title></circle>`,
      );
    }
    // The legend, beside the plot: name and colour, in the order of `lines`.
    const ly = margin.top + 8 + i * 20;
    const lx = margin.left + plotW + 16;
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 20}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${lx + 26}" y="${ly}" dominant-baseline="middle">${esc(name)}</text>`,
    );
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

function barChart(series) {
  const bars = series.bars ?? [];
  const labelWidth = Math.min(
    220,
    24 + 7 * Math.max(4, ...bars.map(([label]) => String(label).length)),
  );
  const barH = 24;
  const gap = 10;
  const margin = { top: 48, right: 90, bottom: 56, left: labelWidth };
  const plotW = WIDTH - margin.left - margin.right;
  const plotH = Math.max(barH, bars.length * (barH + gap) - gap);
  const height = margin.top + plotH + margin.bottom;
  const ticks = niceTicks(0, Math.max(0, ...bars.map(([, value]) => value)));
  const top = ticks.at(-1) || 1;
  const sx = (v) => margin.left + (v / top) * plotW;

  const out = [open(series.title, height)];
  for (const tick of ticks) {
    const x = n(sx(tick));
    out.push(
      `<line x1="${x}" y1="${margin.top}" x2="${x}" y2="${margin.top + plotH}" stroke="#e5e5e5"/>`,
      `<text x="${x}" y="${margin.top + plotH + 18}" text-anchor="middle">${num(tick)}</text>`,
    );
  }
  bars.forEach(([label, value], i) => {
    const y = margin.top + i * (barH + gap);
    const colour = COLOURS[i === 0 ? 0 : 5];
    out.push(
      `<rect x="${margin.left}" y="${y}" width="${n(sx(value) - margin.left)}" height="${barH}" fill="${colour}"><title>${esc(label)}: ${num(value)}</title></rect>`,
      `<text x="${margin.left - 8}" y="${y + barH / 2}" text-anchor="end" dominant-baseline="middle">${esc(label)}</text>`,
      `<text x="${n(sx(value) + 6)}" y="${y + barH / 2}" dominant-baseline="middle">${num(value)}</text>`,
    );
  });
  out.push(
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${margin.top + plotH}" stroke="#333"/>`,
    `<line x1="${margin.left}" y1="${margin.top + plotH}" x2="${margin.left + plotW}" y2="${margin.top + plotH}" stroke="#333"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 14}" text-anchor="middle">${esc(series.y ?? "")}</text>`,
    "</svg>",
  );
  return `${out.join("\n")}\n`;
}

function open(title, height = HEIGHT) {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT} font-size="12" fill="#222">`,
    `<title>${esc(title ?? "chart")}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="600">${esc(title ?? "")}</text>`,
  ].join("\n");
}

function axes(margin, plotW, plotH, series) {
  const bottom = margin.top + plotH;
  return [
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${margin.left}" y1="${bottom}" x2="${margin.left + plotW}" y2="${bottom}" stroke="#333"/>`,
    `<text x="${margin.left + plotW / 2}" y="${bottom + 42}" text-anchor="middle">${esc(series.x ?? "")}</text>`,
    `<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(series.y ?? "")}</text>`,
  ].join("\n");
}

/** About five round ticks (1, 2 or 5 × 10^k apart) covering [lo, hi]. */
export function niceTicks(lo, hi) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi === lo) hi = lo === 0 ? 1 : lo + Math.abs(lo);
  const raw = (hi - lo) / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks = [];
  for (let t = Math.floor(lo / step) * step; t < hi + step * 0.999; t += step) {
    ticks.push(Number(t.toPrecision(12)));
    if (t >= hi) break;
  }
  return ticks;
}

/** A coordinate, to a tenth of a pixel. */
function n(value) {
  return Number(value.toFixed(1));
}

/** A figure as a label: at most 4 significant digits, no exponent for ordinary sizes. */
export function num(value) {
  if (!Number.isFinite(value)) return "—";
  if (Number.isInteger(value) && Math.abs(value) < 1e7) return String(value);
  return String(Number(value.toPrecision(Math.abs(value) >= 1000 ? 6 : 4)));
}

function esc(text) {
  return String(text)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}
