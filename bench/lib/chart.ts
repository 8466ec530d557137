import type { ScenarioResult } from './results.js';

const ROW = 30;
const LABEL = 250;
const PLOT = 470;
const TOP = 46;
const MIN = 0.25;
const MAX = 100;
const TICKS = [0.25, 0.5, 1, 2, 5, 10, 20, 50, 100];

const x = (ratio: number) => LABEL + (PLOT * Math.log(Math.min(MAX, Math.max(MIN, ratio)) / MIN)) / Math.log(MAX / MIN);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const n = (v: number) => v.toFixed(1);

function colour(r: ScenarioResult): string {
  if (r.targets.length === 0) return '#8a8f98';
  return r.targets.every((t) => t.met) ? '#2f9e44' : '#e03131';
}

/** A hollow diamond where bare grpc-js (the floor) stands against raw, for scenarios that have one. */
function floorMark(r: ScenarioResult, y: number): string {
  if (!r.floor) return '';
  const [fx, fy] = [x(r.floor.median / r.raw.median), y + ROW / 2 - 2];
  return `<path d="M${n(fx)} ${n(fy - 6)}L${n(fx + 6)} ${n(fy)}L${n(fx)} ${n(fy + 6)}L${n(fx - 6)} ${n(fy)}Z" fill="#fff" stroke="#111" stroke-width="1.5"/>`;
}

function row(r: ScenarioResult, i: number): string {
  const y = TOP + i * ROW;
  const [a, b] = [x(1), x(r.ratio)].sort((p, q) => p - q) as [number, number];
  const target = r.targets.length > 0 ? /≥ ([\d.]+)×/.exec(r.targets[0]!.target) : null;
  const tick = target
    ? `<line x1="${n(x(Number(target[1])))}" x2="${n(x(Number(target[1])))}" y1="${y + 3}" y2="${y + ROW - 7}" stroke="#111" stroke-width="2"/>`
    : '';
  return [
    `<text x="${LABEL - 8}" y="${y + 17}" text-anchor="end">${esc(r.name)}</text>`,
    `<rect x="${n(a)}" y="${y + 5}" width="${n(Math.max(1, b - a))}" height="${ROW - 14}" fill="${colour(r)}"/>`,
    tick,
    floorMark(r, y),
    `<text x="${n(Math.max(a, b) + 4)}" y="${y + 17}" fill="#333">${r.ratio.toFixed(2)}×</text>`,
  ].join('');
}

/**
 * A bar per scenario: the etcdkit/raw ratio on a log scale from the 1× line
 * (green: targets met, red: a target missed, grey: no target; black tick: the target;
 * hollow diamond: bare grpc-js ÷ raw, where the scenario has that floor side).
 * Plain SVG, no dependency.
 */
export function renderChart(results: readonly ScenarioResult[], caption: string): string {
  const height = TOP + results.length * ROW + 30;
  const width = LABEL + PLOT + 70;
  const grid = TICKS.map((t) => {
    const gx = n(x(t));
    const stroke = t === 1 ? '#111' : '#ddd';
    return `<line x1="${gx}" x2="${gx}" y1="${TOP - 6}" y2="${height - 26}" stroke="${stroke}"/><text x="${gx}" y="${height - 10}" text-anchor="middle" fill="#555">${t}×</text>`;
  }).join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${LABEL}" y="18" font-size="14" font-weight="bold">etcdkit ÷ raw etcd3 (median rates, log scale)</text>`,
    `<text x="${LABEL}" y="34" fill="#555">${esc(caption)}${results.some((r) => r.floor) ? '; ◇ bare grpc-js ÷ raw' : ''}</text>`,
    grid,
    results.map(row).join('\n'),
    '</svg>',
    '',
  ].join('\n');
}
