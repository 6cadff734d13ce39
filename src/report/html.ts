import { createHash } from 'node:crypto';
import type { CheckResult, Counterexample, JsonTensor } from '../property/types.js';
import { escapeHtml as esc } from './escape.js';
import {
  diagnosesOf,
  entryLabel,
  failureSummary,
  fastModeLegend,
  formatDuration,
  formatError,
  formatNumber,
  formatPair,
  headline,
  indexLabel,
  replayCommand,
  shapeText,
  shownMaxRelError,
  weakSensitivityNote,
  worstWrongEntries,
} from './format.js';
import { groupedColumnRanges, joinJacobians, poolMaxAbs, type JacobianPanels, type PooledGrid } from './heatmap.js';
import type { Report } from './model.js';

/** How the HTML report draws things. */
export interface HtmlOptions {
  /** Largest heatmap, in cells per side; larger Jacobians are block-pooled down to it. @defaultValue 40 */
  maxCells?: number;
  /** Largest input shown as a table, in rows and in columns; the rest is elided. @defaultValue 12 */
  maxInputCells?: number;
}

const STATUS_LABEL: Record<CheckResult['status'], string> = { pass: 'pass', fail: 'fail', nondifferentiable: 'nondifferentiable', error: 'error' };

// A diverging blue–white–red scale (ColorBrewer RdBu), negative to positive.
const STOPS: Array<[number, [number, number, number]]> = [
  [-1, [33, 102, 172]],
  [-0.5, [146, 197, 222]],
  [0, [247, 247, 247]],
  [0.5, [244, 165, 130]],
  [1, [178, 24, 43]],
];

/** The colour of a value on a symmetric scale [-vmax, vmax]; NaN is dark grey. */
export function heatColour(v: number, vmax: number): string {
  if (Number.isNaN(v)) return '#3a3a3a';
  const t = vmax > 0 ? Math.max(-1, Math.min(1, v / vmax)) : 0;
  for (let s = 1; s < STOPS.length; s++) {
    const [t1, c1] = STOPS[s];
    if (t <= t1) {
      const [t0, c0] = STOPS[s - 1];
      const u = (t - t0) / (t1 - t0);
      const c = c0.map((x, i) => Math.round(x + u * (c1[i] - x)));
      return `rgb(${c[0]},${c[1]},${c[2]})`;
    }
  }
  return 'rgb(178,24,43)';
}

const maxAbs = (xs: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i])) m = Math.max(m, Math.abs(xs[i]));
  return m;
};

interface Panel {
  title: string;
  grid: PooledGrid;
  vmax: number;
}

/** The label of a display row or column: its entry, or the first entry of a pooled block. */
function axisLabel(p: JacobianPanels, axis: 'row' | 'col', range: [number, number]): string {
  if (axis === 'row') return indexLabel('out', p.outputShape, range[0]);
  const g = groupOf(p, range[0]);
  return indexLabel(g.input, g.inputShape, range[0] - g.start);
}

function groupOf(p: JacobianPanels, col: number): JacobianPanels['groups'][number] {
  return p.groups.find((x) => col >= x.start && col < x.start + x.size) ?? p.groups[0];
}

function entryName(p: JacobianPanels, i: number, j: number): string {
  const g = groupOf(p, j);
  return `∂${indexLabel('out', p.outputShape, i)}/∂${indexLabel(g.input, g.inputShape, j - g.start)}`;
}

/** A legend's end value: three significant digits. */
function legendNumber(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return formatNumber(x);
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e4 ? String(Number(x.toPrecision(3))) : x.toExponential(2).replace(/\.?0+e/, 'e');
}

/** Widest heatmap drawn, in pixels, so that three fit side by side. */
const PANEL_WIDTH = 350;

/** One heatmap as inline SVG with row and column labels and a colour legend. */
function heatmapSvg(p: JacobianPanels, panel: Panel, worst: { row: number; col: number } | undefined, id: string): string {
  const { grid } = panel;
  const font = 10;
  const charW = 6.1;
  const rowLabels = grid.rowRanges.map((r) => axisLabel(p, 'row', r));
  const colLabels = grid.colRanges.map((r) => axisLabel(p, 'col', r));
  const left = Math.ceil(Math.max(...rowLabels.map((l) => l.length)) * charW) + 8;
  const top = Math.ceil(Math.max(...colLabels.map((l) => l.length)) * charW) + 8;
  const cell = Math.max(4, Math.min(44, Math.floor(Math.min((PANEL_WIDTH - left - 6) / grid.cols, 340 / grid.rows))));
  // Label every k-th row or column so that labels never overlap.
  const every = Math.max(1, Math.ceil((font + 2) / cell));
  const w = grid.cols * cell;
  const h = grid.rows * cell;
  const legendH = 34;
  const width = Math.max(left + w + 6, 200);
  const height = top + h + 12 + legendH;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`);
  parts.push(`<title>${esc(panel.title)}</title>`);
  rowLabels.forEach((l, i) => {
    if (i % every === 0) parts.push(`<text class="lbl" x="${left - 4}" y="${top + i * cell + cell / 2}" text-anchor="end" dominant-baseline="central">${esc(l)}</text>`);
  });
  colLabels.forEach((l, j) => {
    if (j % every === 0) {
      const x = left + j * cell + cell / 2;
      parts.push(`<text class="lbl" transform="translate(${x},${top - 4}) rotate(-90)" dominant-baseline="central">${esc(l)}</text>`);
    }
  });
  // Cells in row-major order: the hover script finds a cell's index by its position in this group.
  parts.push(`<g class="cells" shape-rendering="crispEdges">`);
  for (let i = 0; i < grid.rows; i++) {
    for (let j = 0; j < grid.cols; j++) {
      parts.push(`<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="${heatColour(grid.values[i * grid.cols + j], panel.vmax)}"/>`);
    }
  }
  parts.push(`</g>`);
  // Separators between the inputs' column groups.
  for (let j = 1; j < grid.cols; j++) {
    if (groupOf(p, grid.colRanges[j - 1][0]) !== groupOf(p, grid.colRanges[j][0])) {
      parts.push(`<line class="sep" x1="${left + j * cell}" y1="${top - 2}" x2="${left + j * cell}" y2="${top + h + 2}"/>`);
    }
  }
  parts.push(`<rect class="frame" x="${left}" y="${top}" width="${w}" height="${h}"/>`);
  if (worst) {
    const bi = grid.rowRanges.findIndex((r) => worst.row >= r[0] && worst.row <= r[1]);
    const bj = grid.colRanges.findIndex((r) => worst.col >= r[0] && worst.col <= r[1]);
    if (bi >= 0 && bj >= 0) parts.push(`<rect class="worst" x="${left + bj * cell - 1}" y="${top + bi * cell - 1}" width="${cell + 2}" height="${cell + 2}"/>`);
  }
  // The hover script moves this outline over the cell under the pointer (drawn last, so never hidden).
  parts.push(`<rect class="hover" x="0" y="0" width="0" height="0" visibility="hidden"/>`);
  // Legend: the colour scale from -vmax to vmax.
  const ly = top + h + 14;
  const lw = Math.min(180, width - 20);
  const lx = Math.max(4, Math.min(left + w / 2 - lw / 2, width - lw - 4));
  parts.push(`<defs><linearGradient id="${id}-scale">${STOPS.map(([t]) => `<stop offset="${((t + 1) / 2) * 100}%" stop-color="${heatColour(t, 1)}"/>`).join('')}</linearGradient></defs>`);
  parts.push(`<rect class="legend" x="${lx}" y="${ly}" width="${lw}" height="8" fill="url(#${id}-scale)"/>`);
  const v = panel.vmax;
  parts.push(`<text class="lbl" x="${lx}" y="${ly + 20}" text-anchor="start">${esc(legendNumber(-v))}</text>`);
  parts.push(`<text class="lbl" x="${lx + lw / 2}" y="${ly + 20}" text-anchor="middle">0</text>`);
  parts.push(`<text class="lbl" x="${lx + lw}" y="${ly + 20}" text-anchor="end">${esc(legendNumber(v))}</text>`);
  parts.push(`</svg>`);
  return parts.join('');
}

/** JSON that is safe inside a <script> element: no `<`, `>`, `&` or line separators appear literally. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** What the hover script needs to name and read out any cell of a heatmap set. */
interface HoverData {
  /** f's output shape and the column groups, to label entries. */
  out: number[];
  groups: Array<{ input: string; shape: number[]; start: number; size: number }>;
  cols: number;
  rowRanges: Array<[number, number]>;
  colRanges: Array<[number, number]>;
  /** Full-matrix indices (row·cols + col) shown by each cell, per panel, as indices into `ks`. */
  src: number[][];
  ks: number[];
  analytic: number[];
  numeric: number[];
}

/** Three heatmaps side by side: analytic, finite-difference, and their difference, downsampled alike. */
function heatmapSet(ce: Counterexample, index: number, maxCells: number): string {
  const pairs = ce.jacobians ?? [];
  if (pairs.length === 0) return '';
  const p = joinJacobians(pairs);
  const cols = p.groups.reduce((s, g) => s + g.size, 0);
  if (p.outSize === 0 || cols === 0) return '';
  const colRanges = groupedColumnRanges(p.groups, maxCells);
  const pool = (m: Float64Array) => poolMaxAbs(m, p.outSize, cols, maxCells, maxCells, colRanges);
  const grids = [pool(p.analytic), pool(p.numeric), pool(p.difference)];
  const pooled = grids[0].rows < p.outSize || grids[0].cols < cols;
  let worstK = -1;
  let worstV = -1;
  for (let k = 0; k < p.difference.length; k++) {
    const m = Number.isNaN(p.difference[k]) ? Infinity : Math.abs(p.difference[k]);
    if (m > worstV) {
      worstV = m;
      worstK = k;
    }
  }
  const worst = worstV > 0 ? { row: Math.floor(worstK / cols), col: worstK % cols } : undefined;
  const vAN = Math.max(maxAbs(p.analytic), maxAbs(p.numeric));
  const panels: Panel[] = [
    { title: 'analytic Jacobian', grid: grids[0], vmax: vAN },
    { title: 'finite-difference Jacobian', grid: grids[1], vmax: vAN },
    { title: 'difference (analytic − numeric)', grid: grids[2], vmax: maxAbs(p.difference) },
  ];
  // The entries the cells show, for the hover read-out.
  const slot = new Map<number, number>();
  const ks: number[] = [];
  const src = grids.map((g) =>
    Array.from(g.values, (_v, c) => {
      const k = g.sourceRow[c] * cols + g.sourceCol[c];
      let s = slot.get(k);
      if (s === undefined) {
        s = ks.length;
        slot.set(k, s);
        ks.push(k);
      }
      return s;
    }),
  );
  const data: HoverData = {
    out: p.outputShape,
    groups: p.groups.map((g) => ({ input: g.input, shape: g.inputShape, start: g.start, size: g.size })),
    cols,
    rowRanges: grids[0].rowRanges,
    colRanges: grids[0].colRanges,
    src,
    ks,
    analytic: ks.map((k) => p.analytic[k]),
    numeric: ks.map((k) => p.numeric[k]),
  };
  const dims = `${p.outSize} × ${cols}`;
  const rowsWhat = 'rows: outputs out[·]';
  const colsWhat = `columns: entries of ${p.groups.map((g) => g.input).join(', ')}`;
  const note = pooled
    ? `The ${dims} Jacobian is drawn as ${grids[0].rows} × ${grids[0].cols} blocks; each block shows its entry of largest magnitude, so the worst entry is never hidden (${rowsWhat}; ${colsWhat}).`
    : `${rowsWhat}; ${colsWhat}.`;
  const worstText = worst ? ` The outlined cell holds the worst entry, ${entryName(p, worst.row, worst.col)}.` : '';
  const figures = panels
    .map((panel, n) => `<figure class="panel"><figcaption>${esc(panel.title)}</figcaption>${heatmapSvg(p, panel, worst, `hm${index}-${n}`)}</figure>`)
    .join('');
  return (
    `<div class="heatmap-set" data-check="${index}"><h3>Jacobians at the counterexample <span class="dim">(${dims})</span></h3>` +
    `<p class="note">${esc(note + worstText)}</p><div class="panels">${figures}</div>` +
    `<div class="readout" aria-live="polite">Hover a cell to read its analytic, numeric and difference values.</div>` +
    `<script type="application/json" class="hover-data">${scriptJson(data)}</script></div>`
  );
}

/** The hover read-out: names the cell under the pointer, its three values, and highlights it in all three panels. */
const HOVER_SCRIPT = `(() => {
  const fmt = (x) => x === null || x === undefined ? 'NaN' : x === 0 ? '0' : (Math.abs(x) >= 1e-4 && Math.abs(x) < 1e6) ? String(Number(x.toPrecision(6))) : x.toExponential(5).replace(/\\.?0+e/, 'e');
  const idx = (name, shape, flat) => {
    if (shape.length === 0) return name;
    const out = [];
    for (let d = shape.length - 1; d >= 0; d--) { out.unshift(flat % shape[d]); flat = Math.floor(flat / shape[d]); }
    return name + '[' + out.join(',') + ']';
  };
  const group = (data, col) => data.groups.find((g) => col >= g.start && col < g.start + g.size) || data.groups[0];
  const entry = (data, k) => {
    const i = Math.floor(k / data.cols), j = k % data.cols, g = group(data, j);
    return '∂' + idx('out', data.out, i) + '/∂' + idx(g.input, g.shape, j - g.start);
  };
  const what = ['analytic', 'numeric', 'difference'];
  for (const set of document.querySelectorAll('.heatmap-set')) {
    const data = JSON.parse(set.querySelector('script.hover-data').textContent);
    const readout = set.querySelector('.readout');
    const groups = Array.from(set.querySelectorAll('g.cells'));
    const light = (c) => {
      for (const g of groups) {
        const cell = g.children[c], mark = g.parentNode.querySelector('rect.hover');
        for (const a of ['x', 'y', 'width', 'height']) mark.setAttribute(a, cell.getAttribute(a));
        mark.setAttribute('visibility', 'visible');
      }
    };
    groups.forEach((g, p) => {
      g.addEventListener('mouseover', (ev) => {
        const c = Array.prototype.indexOf.call(g.children, ev.target);
        if (c < 0) return;
        light(c);
        const s = data.src[p][c];
        const a = data.analytic[s], n = data.numeric[s];
        const d = a === null || n === null ? null : a - n;
        const ncols = data.colRanges.length, rr = data.rowRanges[Math.floor(c / ncols)], cr = data.colRanges[c % ncols];
        const count = (rr[1] - rr[0] + 1) * (cr[1] - cr[0] + 1);
        const head = count > 1 ? 'block of ' + count + ' entries, its largest |' + what[p] + '| at ' : '';
        readout.textContent = head + entry(data, data.ks[s]) + '   analytic ' + fmt(a) + '   numeric ' + fmt(n) + '   difference ' + fmt(d);
      });
    });
  }
})();`;

/** A tensor as a small table of values (rows × columns, elided past `max`). */
function tensorTable(t: JsonTensor, max: number): string {
  const shape = t.shape;
  if (shape.length === 0) return `<span class="num">${esc(formatNumber(t.data[0]))}</span>`;
  const rows = shape.length === 1 ? 1 : shape[0];
  const cols = shape.length === 1 ? shape[0] : t.data.length / Math.max(1, shape[0]);
  const rShow = Math.min(rows, max);
  const cShow = Math.min(cols, max);
  const trs: string[] = [];
  for (let i = 0; i < rShow; i++) {
    const tds: string[] = [];
    for (let j = 0; j < cShow; j++) tds.push(`<td>${esc(formatNumber(t.data[i * cols + j]))}</td>`);
    if (cShow < cols) tds.push(`<td class="dim">… ${cols - cShow} more</td>`);
    trs.push(`<tr>${tds.join('')}</tr>`);
  }
  if (rShow < rows) trs.push(`<tr><td class="dim" colspan="${cShow + (cShow < cols ? 1 : 0)}">… ${rows - rShow} more rows</td></tr>`);
  return `<table class="matrix">${trs.join('')}</table>`;
}

function inputsBlock(ce: Counterexample, maxInputCells: number): string {
  const items = Object.entries(ce.inputs).map(([name, t]) => {
    const role = ce.wrt.includes(name) ? 'differentiated' : 'held fixed';
    return `<div class="input"><div class="input-head"><span class="name">${esc(name)}</span> <span class="dim">${esc(shapeText(t.shape))} · ${role}</span></div>${tensorTable(t, maxInputCells)}</div>`;
  });
  return `<h3>Counterexample inputs</h3><div class="inputs">${items.join('')}</div>`;
}

function entriesTable(check: CheckResult, ce: Counterexample): string {
  const entries = worstWrongEntries(check, 5);
  if (entries.length === 0) return '';
  const rows = entries
    .map(
      (e) =>
        `<tr><td class="name">${esc(entryLabel(ce, e))}</td>${formatPair(e.analytic, e.numeric).map((x) => `<td>${esc(x)}</td>`).join('')}<td>${esc(formatError(e.absError))}</td><td>${esc(formatError(e.relError))}</td></tr>`,
    )
    .join('');
  const counted = ce.wrongEntries !== undefined && ce.totalEntries !== undefined ? ` <span class="dim">(${ce.wrongEntries} of ${ce.totalEntries} entries wrong)</span>` : '';
  return `<h3>Worst entries${counted}</h3><table class="entries"><thead><tr><th>entry</th><th>analytic</th><th>numeric</th><th>abs err</th><th>rel err</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function checkSection(report: Report, check: CheckResult, index: number, o: Required<HtmlOptions>): string {
  const ce = check.counterexample;
  const parts: string[] = [];
  parts.push(`<section class="check ${check.status}" id="check-${index}">`);
  parts.push(`<h2><span class="badge ${check.status}">${STATUS_LABEL[check.status]}</span> <span class="name">${esc(check.name)}</span></h2>`);
  const facts = [`${check.runs} ${check.runs === 1 ? 'input' : 'inputs'} checked`, `seed ${check.seed}`];
  if (check.shrinks !== undefined) facts.push(`${check.shrinks} shrinks`);
  if (check.source) facts.push(check.source);
  parts.push(`<p class="facts dim">${esc(facts.join(' · '))}</p>`);
  parts.push(`<p class="summary-line">${esc(failureSummary(check, false))}</p>`);
  if (check.message && check.status === 'fail') parts.push(`<p class="message">${esc(check.message)}</p>`);
  if (check.notice) parts.push(`<p class="notice dim">Note: ${esc(check.notice)}</p>`);
  const hints = diagnosesOf(check);
  if (hints.length > 0) {
    parts.push(`<ul class="hints">${hints.map((d) => `<li><span class="hint">${esc(d.hint)}</span>${d.detail && d.detail !== d.hint ? ` ${esc(d.detail)}` : ''}</li>`).join('')}</ul>`);
  }
  const replay = replayCommand(check, report.config);
  if (replay) parts.push(`<div class="replay"><span class="dim">replay</span><pre><code>${esc(replay)}</code></pre></div>`);
  if (ce) {
    if (check.status === 'fail') parts.push(heatmapSet(ce, index, o.maxCells));
    parts.push(entriesTable(check, ce));
    if (ce.jacobians === undefined && ce.totalEntries !== undefined && ce.totalEntries > 0) {
      parts.push(`<p class="note">The ${ce.totalEntries}-entry Jacobian is larger than the report keeps (maxReportedEntries); no heatmaps.</p>`);
    }
    parts.push(inputsBlock(ce, o.maxInputCells));
  }
  parts.push(`</section>`);
  return parts.join('\n');
}

function summaryTable(report: Report): string {
  const rows = report.checks
    .map((c, i) => {
      const rel = shownMaxRelError(c);
      // A passing check has no section of its own: how it was checked, if not the usual way, shows under its name.
      const weak = weakSensitivityNote(c);
      const note = [c.status === 'pass' && c.notice ? c.notice : undefined, weak].filter((n): n is string => n !== undefined).map((n) => `<div class="notice dim">${esc(n)}</div>`).join('');
      const name = c.status === 'pass' ? `<span class="name">${esc(c.name)}</span>${note}` : `<a class="name" href="#check-${i}">${esc(c.name)}</a>`;
      return `<tr class="${c.status}"><td><span class="badge ${c.status}">${STATUS_LABEL[c.status]}</span></td><td>${name}</td><td>${c.runs}</td><td>${c.skipped}</td><td>${esc(formatError(rel))}</td><td>${esc(formatError(c.sensitivity))}</td><td>${c.evaluations}</td><td>${esc(formatDuration(c.durationMs))}</td></tr>`;
    })
    .join('\n');
  const legend = fastModeLegend(report.config);
  return `${legend ? `<p class="notice dim">${esc(legend)}</p>` : ''}<table class="summary"><thead><tr><th>status</th><th>check</th><th>runs</th><th>skipped</th><th>max rel err</th><th>sensitivity</th><th>evals</th><th>time</th></tr></thead><tbody>${rows}</tbody></table>`;
}



const CSS = `
:root { --fg:#1d2430; --dim:#69707d; --line:#dde1e7; --bg:#f6f7f9; --card:#fff; --pass:#1a7f37; --fail:#c62828; --warn:#9a6700; --accent:#2f5fb3; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; color:var(--fg); background:var(--bg); }
main { max-width:1280px; margin:0 auto; padding:24px 28px 48px; }
header { display:flex; align-items:baseline; gap:16px; flex-wrap:wrap; border-bottom:1px solid var(--line); padding-bottom:12px; margin-bottom:16px; }
h1 { font-size:20px; margin:0; } h1 .tool { color:var(--accent); }
.headline { font-size:16px; font-weight:600; } .headline.bad { color:var(--fail); } .headline.good { color:var(--pass); }
.meta { color:var(--dim); font-size:12px; width:100%; }
.counts { display:flex; gap:10px; margin:0 0 16px; flex-wrap:wrap; }
.count { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:8px 14px; min-width:110px; }
.count b { display:block; font-size:20px; } .count span { color:var(--dim); font-size:12px; }
.count.fail b { color:var(--fail); } .count.pass b { color:var(--pass); } .count.warn b { color:var(--warn); }
table { border-collapse:collapse; }
.summary, .entries { background:var(--card); border:1px solid var(--line); border-radius:8px; overflow:hidden; }
.summary { width:100%; } .summary td:not(:nth-child(2)), .summary th { white-space:nowrap; }
.summary th, .summary td, .entries th, .entries td { padding:6px 10px; border-bottom:1px solid var(--line); text-align:right; font-variant-numeric:tabular-nums; }
.summary th, .entries th { background:#eef1f5; font-weight:600; font-size:12px; color:#3b4350; }
.summary td:nth-child(-n+2), .summary th:nth-child(-n+2), .entries td:first-child, .entries th:first-child { text-align:left; }
.summary tr:last-child td, .entries tr:last-child td { border-bottom:none; }
.badge { display:inline-block; border-radius:10px; padding:1px 8px; font-size:11px; font-weight:700; text-transform:uppercase; letter-spacing:.03em; color:#fff; vertical-align:2px; }
.badge.pass { background:var(--pass); } .badge.fail { background:var(--fail); } .badge.error { background:#7b1fa2; } .badge.nondifferentiable { background:var(--warn); }
a.name { color:var(--accent); text-decoration:none; } a.name:hover { text-decoration:underline; }
.name { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace; font-size:13px; }
.check { background:var(--card); border:1px solid var(--line); border-left:4px solid var(--fail); border-radius:8px; padding:14px 20px 18px; margin:22px 0; }
.check.nondifferentiable { border-left-color:var(--warn); } .check.error { border-left-color:#7b1fa2; }
.check h2 { font-size:16px; margin:0 0 4px; } .check h3 { font-size:13px; margin:18px 0 8px; color:#3b4350; }
.facts { margin:0 0 8px; font-size:12px; } .dim { color:var(--dim); font-weight:normal; }
.summary-line { margin:6px 0; } .notice { font-size:12px; margin:2px 0; } .message { margin:6px 0; font-family:ui-monospace,Menlo,Consolas,monospace; font-size:12.5px; }
.hints { list-style:none; padding:0; margin:8px 0; } .hints li { margin:4px 0; }
.hint { display:inline-block; background:#fff4d6; border:1px solid #e8c666; color:#6b4e00; border-radius:4px; padding:0 6px; margin-right:6px; font-weight:600; font-size:12px; }
.replay { display:flex; align-items:center; gap:10px; margin:8px 0; } .replay pre { margin:0; white-space:pre-wrap; word-break:break-all; background:#1f2430; color:#e6e9ef; padding:6px 12px; border-radius:6px; overflow-x:auto; font-size:12.5px; flex:1; }
.panels { display:flex; gap:18px; flex-wrap:wrap; align-items:flex-start; }
.panel { margin:0; background:#fbfbfc; border:1px solid var(--line); border-radius:6px; padding:8px 10px 4px; }
.panel figcaption { font-weight:600; font-size:12.5px; margin-bottom:2px; }
.heatmap .lbl { font:10px ui-monospace,Menlo,Consolas,monospace; fill:#4a5260; }
.heatmap .frame { fill:none; stroke:#9aa3af; stroke-width:1; } .heatmap .sep { stroke:#1d2430; stroke-width:1.5; }
.heatmap .worst { fill:none; stroke:#111; stroke-width:2; pointer-events:none; } .heatmap .legend { stroke:#9aa3af; stroke-width:.5; }
.heatmap .hover { fill:none; stroke:#f0a000; stroke-width:3; pointer-events:none; }
.readout { font:12px ui-monospace,Menlo,Consolas,monospace; color:#3b4350; background:#f1f3f6; border-radius:4px; padding:5px 10px; margin-top:8px; min-height:1.5em; white-space:pre-wrap; }
.note { color:var(--dim); font-size:12px; margin:4px 0 10px; }
.inputs { display:flex; gap:22px; flex-wrap:wrap; align-items:flex-start; }
.input-head { margin-bottom:4px; }
.matrix td { font:12px ui-monospace,Menlo,Consolas,monospace; padding:2px 8px; text-align:right; border-left:1px solid var(--line); }
.matrix td:first-child { border-left:2px solid #8a93a0; } .matrix tr td:last-child { border-right:2px solid #8a93a0; }
.num { font-family:ui-monospace,Menlo,Consolas,monospace; }
footer { color:var(--dim); font-size:12px; margin-top:32px; }
`;

/** The only script the page may run (its hash is the whole Content-Security-Policy for scripts). */
const SCRIPT_HASH = `sha256-${createHash('sha256').update(HOVER_SCRIPT).digest('base64')}`;

/** The report as one self-contained HTML page: inline CSS, SVG heatmaps and one small hover script; nothing fetched. */
export function formatHtml(report: Report, options: HtmlOptions = {}): string {
  const o: Required<HtmlOptions> = { maxCells: options.maxCells ?? 40, maxInputCells: options.maxInputCells ?? 12 };
  const s = report.summary;
  const bad = s.failed + s.errors > 0;
  const config = Object.entries(report.config)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
  const counts = [
    ['checks', s.checks, ''],
    ['passed', s.passed, 'pass'],
    ['failed', s.failed, s.failed > 0 ? 'fail' : ''],
    ['nondifferentiable', s.nondifferentiable, s.nondifferentiable > 0 ? 'warn' : ''],
    ['errors', s.errors, s.errors > 0 ? 'fail' : ''],
  ]
    .map(([label, n, cls]) => `<div class="count ${cls}"><b>${n}</b><span>${label}</span></div>`)
    .join('');
  const sections = report.checks
    .map((c, i) => (c.status === 'pass' ? '' : checkSection(report, c, i, o)))
    .filter((x) => x !== '')
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src '${SCRIPT_HASH}'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gradproof report: ${esc(headline(report.summary, report.incomplete))}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1><span class="tool">gradproof</span> report</h1>
<span class="headline ${bad || report.incomplete ? 'bad' : 'good'}">${esc(headline(report.summary, report.incomplete))}</span>
<div class="meta">${esc(`gradproof ${report.tool.version} · started ${report.startedAt} · ${formatDuration(report.durationMs)}${config ? ` · ${config}` : ''}${report.incomplete ? ' · INCOMPLETE: the run was stopped early' : ''}`)}</div>
</header>
<div class="counts">${counts}</div>
${summaryTable(report)}
${sections}
<script>${HOVER_SCRIPT}</script>
<footer>gradproof report, schemaVersion ${report.schemaVersion}. Self-contained: nothing is fetched, and it opens offline.</footer>
</main>
</body>
</html>
`;
}
