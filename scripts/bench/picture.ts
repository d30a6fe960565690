// One picture of the deploy windows: a grid of small panels (a row per method, a column per deploy),
// every panel on the same axes, so a dip or a red bar in one panel can be compared with any other.

/** Requests answered per time bucket of one deploy window, on the command's clock (t = 0 is the command's start). */
export interface TimelineBucket {
  t: number;
  ok: number;
  failed: number;
} // t in ms (start of the bucket), ok = 2xx/3xx responses, failed = responses >= 400 in that bucket
export interface TimelineMark {
  t: number;
  label: string;
} // ms from command start, e.g. 'start', 'new release', 'return', or a step name like 'up', 'switch', 'drain', 'stop'
export interface PictureWindow {
  title: string; // e.g. 'r3'
  bucketMs: number; // width of each bucket, e.g. 100 or 250
  buckets: TimelineBucket[]; // may start before 0 (load runs before the command) and end after 'return'
  marks: TimelineMark[];
  connectionErrors: number; // requests with no response in the window (not in buckets); print in the panel caption when > 0
}
// One row per method (e.g. 'bluegreen — sample app'). Rows of one group (an app profile) share their time axis;
// every row shares the req/s axis.
export interface PictureRow {
  label: string;
  windows: PictureWindow[];
  group?: string;
}
export interface PictureInput {
  title: string;
  subtitle: string;
  rows: PictureRow[];
}

const LABEL_W = 200; // row labels such as 'bluegreen — sample app'
const AXIS_W = 60; // room for '1200 req/s' left of each row's first panel
const PANEL_W = 180;
const PANEL_H = 90;
const GAP_X = 20;
const MARK_BAND = 28; // three staggered levels of mark labels above each panel
const ROW_H = MARK_BAND + PANEL_H + 46; // + tick labels and the caption below
const HEADER_H = 80;
const FOOTER_H = 30;
const MARK_LEVEL_H = 8;
const COLOUR = { answered: '#c6dbef', answeredLine: '#6b9ac4', failed: '#d62728', mark: '#999', zero: '#222', muted: '#666', frame: '#ccc' };

/** The axes every panel shares: time range in ms and the top of the req/s scale. */
interface Scale {
  tMin: number;
  tMax: number;
  rateMax: number;
}

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** Coordinates with one decimal keep the document small. */
const px = (value: number) => Math.round(value * 10) / 10;

/** 0.25 or 1200, not 0.25000000000000006 or 1200.0000000001. */
const tidy = (value: number) => String(Number(value.toPrecision(3)));

/** Requests per second; a zero or missing bucket width must not turn into Infinity. */
const perSecond = (count: number, bucketMs: number) => (count * 1000) / Math.max(bucketMs, 1);

/** A round number at or above the value, so the axis reads '1200 req/s' rather than '1137 req/s'. */
function niceCeil(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((s) => s * magnitude >= value * (1 - 1e-9)) ?? 10;
  return Number((step * magnitude).toPrecision(3));
}

/** One scale over ALL windows of the picture, so panels are comparable at a glance. */
function sharedScale(rows: PictureRow[]): Scale {
  let tMin = Infinity,
    tMax = -Infinity,
    rateMax = 0;
  for (const w of rows.flatMap((r) => r.windows)) {
    for (const b of w.buckets) {
      tMin = Math.min(tMin, b.t);
      tMax = Math.max(tMax, b.t + w.bucketMs);
      rateMax = Math.max(rateMax, perSecond(b.ok, w.bucketMs), perSecond(b.failed, w.bucketMs));
    }
  }
  // No bucket anywhere: an arbitrary second around the start, so empty panels still draw.
  if (!(tMax > tMin)) return { tMin: 0, tMax: 1000, rateMax: 1 };
  return { tMin, tMax, rateMax: niceCeil(rateMax) };
}

/** Where a panel sits and how its data maps onto it. */
interface Frame {
  x0: number;
  y0: number;
  xOf: (t: number) => number;
  yOf: (rate: number) => number;
}

function frameAt(x0: number, y0: number, scale: Scale): Frame {
  return {
    x0,
    y0,
    xOf: (t) => px(x0 + ((t - scale.tMin) / (scale.tMax - scale.tMin)) * PANEL_W),
    yOf: (rate) => px(y0 + PANEL_H - (Math.min(rate, scale.rateMax) / scale.rateMax) * PANEL_H),
  };
}

/** Answered req/s as a step area; gaps between buckets drop to zero instead of being bridged. */
function answeredArea(w: PictureWindow, f: Frame): string {
  const buckets = [...w.buckets].sort((a, b) => a.t - b.t);
  if (buckets.length === 0) return '';
  const base = f.yOf(0);
  const points: string[] = [`${f.xOf(buckets[0]!.t)},${base}`];
  let previousEnd = buckets[0]!.t;
  for (const b of buckets) {
    if (b.t > previousEnd) points.push(`${f.xOf(previousEnd)},${base}`, `${f.xOf(b.t)},${base}`);
    const y = f.yOf(perSecond(b.ok, w.bucketMs));
    previousEnd = b.t + w.bucketMs;
    points.push(`${f.xOf(b.t)},${y}`, `${f.xOf(previousEnd)},${y}`);
  }
  points.push(`${f.xOf(previousEnd)},${base}`);
  return `<polygon points="${points.join(' ')}" fill="${COLOUR.answered}" stroke="${COLOUR.answeredLine}" stroke-width="0.8"/>`;
}

/** Failed req/s as red bars on top; at least 2px high so a single 502 is not lost. */
function failedBars(w: PictureWindow, f: Frame): string[] {
  const base = f.yOf(0);
  return w.buckets
    .filter((b) => b.failed > 0)
    .map((b) => {
      const x = f.xOf(b.t);
      const width = Math.max(1, px(f.xOf(b.t + w.bucketMs) - x));
      const height = Math.max(2, px(base - f.yOf(perSecond(b.failed, w.bucketMs))));
      return `<rect class="failed" x="${x}" y="${px(base - height)}" width="${width}" height="${height}" fill="${COLOUR.failed}"/>`;
    });
}

/** Dashed lines for the window's moments; labels alternate between three heights so neighbours overlap less. */
function markLines(w: PictureWindow, f: Frame, scale: Scale): string[] {
  const inRange = w.marks.filter((m) => m.t >= scale.tMin && m.t <= scale.tMax).sort((a, b) => a.t - b.t);
  return inRange.map((m, i) => {
    const x = f.xOf(m.t);
    const labelY = f.y0 - 3 - (i % 3) * MARK_LEVEL_H;
    const colour = m.t === 0 ? COLOUR.zero : COLOUR.mark;
    return (
      `<line x1="${x}" y1="${labelY + 2}" x2="${x}" y2="${f.y0 + PANEL_H}" stroke="${colour}" stroke-width="0.7" stroke-dasharray="3,2"/>` +
      `<text x="${px(x + 1)}" y="${labelY}" class="mark" fill="${colour}">${escapeXml(m.label)}</text>`
    );
  });
}

/** About five ticks per panel, on whole steps of seconds. */
function tickSeconds(scale: Scale): number[] {
  const spanS = (scale.tMax - scale.tMin) / 1000;
  const step = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300].find((s) => spanS / s <= 6) ?? 600;
  const ticks: number[] = [];
  for (let k = Math.ceil(scale.tMin / 1000 / step); k * step <= scale.tMax / 1000; k++) ticks.push(k * step);
  return ticks;
}

function timeAxis(f: Frame, scale: Scale): string[] {
  const bottom = f.y0 + PANEL_H;
  return tickSeconds(scale).map((s) => {
    const x = f.xOf(s * 1000);
    return `<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 3}" stroke="${COLOUR.muted}"/>` + `<text x="${x}" y="${bottom + 12}" class="tick" text-anchor="middle">${tidy(s)}</text>`;
  });
}

/** 'r3  failed 9  conn errors 2': failures in red so a clean deploy and a broken one differ at a glance. */
function caption(w: PictureWindow, f: Frame): string {
  const failed = w.buckets.reduce((sum, b) => sum + b.failed, 0) + w.connectionErrors;
  const failedColour = failed > 0 ? COLOUR.failed : COLOUR.muted;
  const connErrors = w.connectionErrors > 0 ? `<tspan dx="6" fill="${COLOUR.failed}">conn errors ${w.connectionErrors}</tspan>` : '';
  return (
    `<text x="${f.x0}" y="${f.y0 + PANEL_H + 27}" class="caption"><tspan font-weight="bold">${escapeXml(w.title)}</tspan>` +
    `<tspan dx="6" fill="${failedColour}">failed ${failed}</tspan>${connErrors}</text>`
  );
}

function panel(w: PictureWindow, f: Frame, scale: Scale): string[] {
  const parts = [`<rect x="${f.x0}" y="${f.y0}" width="${PANEL_W}" height="${PANEL_H}" fill="#fafafa" stroke="${COLOUR.frame}"/>`];
  parts.push(answeredArea(w, f), ...failedBars(w, f));
  // The command's start, drawn in every panel whether or not a mark names it.
  if (scale.tMin <= 0 && scale.tMax >= 0) {
    const x = f.xOf(0);
    parts.push(`<line x1="${x}" y1="${f.y0}" x2="${x}" y2="${f.y0 + PANEL_H}" stroke="${COLOUR.zero}" stroke-width="1"/>`);
  }
  parts.push(...markLines(w, f, scale), ...timeAxis(f, scale), caption(w, f));
  return parts;
}

function rateAxis(f: Frame, scale: Scale): string {
  const x = f.x0 - 4;
  return `<text x="${x}" y="${f.y0 + PANEL_H}" class="tick" text-anchor="end">0</text>` + `<text x="${x}" y="${f.y0 + 8}" class="tick" text-anchor="end">${tidy(scale.rateMax)} req/s</text>`;
}

function legend(y: number): string {
  const swatch = (x: number, fill: string, stroke: string) => `<rect x="${x}" y="${y - 8}" width="14" height="9" fill="${fill}" stroke="${stroke}"/>`;
  const dash = (x: number, colour: string, dashed: boolean) => `<line x1="${x + 7}" y1="${y - 10}" x2="${x + 7}" y2="${y + 2}" stroke="${colour}"${dashed ? ' stroke-dasharray="3,2"' : ''}/>`;
  return [
    swatch(10, COLOUR.answered, COLOUR.answeredLine),
    `<text x="28" y="${y}" class="legend">answered req/s (2xx/3xx)</text>`,
    swatch(190, COLOUR.failed, COLOUR.failed),
    `<text x="208" y="${y}" class="legend">failed req/s (&gt;= 400)</text>`,
    dash(350, COLOUR.mark, true),
    `<text x="364" y="${y}" class="legend">marks (deploy steps, new release, return)</text>`,
    dash(610, COLOUR.zero, false),
    `<text x="624" y="${y}" class="legend">t = 0: the command starts</text>`,
  ].join('');
}

/** Lines of text, one under the other (SVG text does not wrap by itself). */
function lines(text: string[], x: number, y: number, className: string, lineHeight: number): string {
  const spans = text.map((line, i) => `<tspan x="${x}" dy="${i === 0 ? 0 : lineHeight}">${escapeXml(line)}</tspan>`);
  return `<text x="${x}" y="${y}" class="${className}">${spans.join('')}</text>`;
}

export function renderPicture(input: PictureInput): string {
  const rateMax = sharedScale(input.rows).rateMax;
  const scaleOf = (row: PictureRow): Scale => ({ ...sharedScale(input.rows.filter((r) => r.group === row.group)), rateMax });
  const columns = Math.max(1, ...input.rows.map((r) => r.windows.length));
  const width = Math.max(LABEL_W + AXIS_W + columns * (PANEL_W + GAP_X), 820);
  // The subtitle's lines are its own ('\n'); a row label breaks after each ' — '.
  const subtitle = input.subtitle.split('\n');
  const header = HEADER_H + (subtitle.length - 1) * 15;
  const height = header + input.rows.length * ROW_H + FOOTER_H;
  const body = input.rows.flatMap((row, r) => {
    const y0 = header + r * ROW_H + MARK_BAND;
    const scale = scaleOf(row);
    const frames = row.windows.map((_, c) => frameAt(LABEL_W + AXIS_W + c * (PANEL_W + GAP_X), y0, scale));
    const label = row.label.split(' — ');
    return [
      lines(label, 10, y0 + PANEL_H / 2 - ((label.length - 1) * 15) / 2, 'row', 15),
      ...(frames[0] ? [rateAxis(frames[0], scale)] : []),
      ...row.windows.flatMap((w, c) => panel(w, frames[c]!, scale)),
    ];
  });
  const panelsMiddle = LABEL_W + AXIS_W + (columns * (PANEL_W + GAP_X)) / 2;
  // No fill for text in <style>: a stylesheet rule would override the fill attributes of marks and captions.
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    '<style>text{font-family:sans-serif}.title{font-size:16px;font-weight:bold}.subtitle{font-size:12px;fill:#555}' +
      '.legend,.caption{font-size:11px}.row{font-size:12px}.tick{font-size:9px;fill:#666}.mark{font-size:8px}</style>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="22" class="title">${escapeXml(input.title)}</text>`,
    lines(subtitle, 10, 40, 'subtitle', 15),
    legend(header - 18),
    ...body,
    `<text x="${px(panelsMiddle)}" y="${height - 10}" class="legend" text-anchor="middle">${escapeXml("seconds from the command's start (one req/s scale for all; one time scale per app profile)")}</text>`,
    '</svg>',
  ].join('\n');
}
