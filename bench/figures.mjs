// One bench figure: a value beside the baseline measured in the same run, their ratio, the target
// and whether it is met. Sections return figures; bench/run.mjs prints each on one line.

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `12,345` for large values, `1.23` style (at most 2 decimals) for small ones. */
function show(value) {
  if (typeof value !== 'number') return String(value);
  return Math.abs(value) >= 100 ? number.format(value) : String(Number(value.toFixed(2)));
}

const CHECKS = {
  '>=': (a, b) => a >= b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
};
const SIGNS = { '>=': '≥', '<=': '≤', '>': '>', '<': '<' };

/**
 * A figure. `targets` lists what must hold, each on the `value` or the `ratio`
 * (`{ on: 'ratio', op: '>=', limit: 0.25 }`); `ratio` is value / baseline unless given. `ok` is true
 * when every target holds.
 */
export function figure({ label, value, unit, baseline, ratio, targets = [], detail }) {
  const computedRatio =
    ratio ?? (baseline === undefined || baseline.value === 0 ? undefined : value / baseline.value);
  const ok = targets.every((t) => {
    const subject = t.on === 'ratio' ? computedRatio : value;
    return subject !== undefined && CHECKS[t.op](subject, t.limit);
  });
  return {
    kind: 'figure',
    label,
    value: Number(value.toFixed(2)),
    unit,
    ...(baseline === undefined
      ? {}
      : { baseline: { ...baseline, value: Number(baseline.value.toFixed(2)) } }),
    ...(computedRatio === undefined ? {} : { ratio: Number(computedRatio.toFixed(3)) }),
    targets,
    ok,
    ...(detail === undefined ? {} : { detail }),
  };
}

/** True for what {@link figure} returns. */
export function isFigure(value) {
  return typeof value === 'object' && value !== null && value.kind === 'figure';
}

/** `label: value unit | baseline NAME value unit | ratio R | target ... | ok` (then the detail, indented). */
export function formatFigure(f) {
  const parts = [`${f.label}: ${show(f.value)} ${f.unit}`];
  if (f.baseline !== undefined)
    parts.push(`baseline ${f.baseline.name} ${show(f.baseline.value)} ${f.baseline.unit ?? f.unit}`);
  if (f.ratio !== undefined) parts.push(`ratio ${show(f.ratio)}`);
  if (f.targets.length > 0) {
    parts.push(
      `target ${f.targets.map((t) => `${t.on === 'ratio' ? 'ratio' : f.unit} ${SIGNS[t.op]} ${show(t.limit)}`).join(' and ')}`,
    );
  }
  parts.push(f.targets.length === 0 ? 'info' : f.ok ? 'ok' : 'NOT MET');
  const line = parts.join(' | ');
  return f.detail === undefined ? line : `${line}\n      ${f.detail}`;
}
