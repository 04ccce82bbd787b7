// Sweep specifications: {name, base, axes, outputs}, validated with one-line messages.

import { firstRepeat } from '../core/lists.js';
import { InputError, type PointInput, type PointParams, normalizeBase, resolvePoint } from '../model/params.js';
export { normalizeBase };
import type { SystemDefinition } from '../system/definition.js';
import { resolveSystem } from '../system/registry.js';
import { genericSpace } from '../system/space.js';
import { Grid } from './grid.js';

/** What an axis may sweep for a system: its parameters, its settable derived names, tau and the state angles. */
export function sweepableParams(sys: SystemDefinition): readonly string[] {
  const g = genericSpace(sys);
  return [...g.params, ...g.settable, 'tau', 'theta', 'phi'];
}
import { DEFAULT_OUTPUTS, OUTPUT_KEYS } from './outputs.js';
import { MAX_AXIS_POINTS, MAX_SWEEP_POINTS, PARAM_RANGES, checkAxisOverlap } from '../model/ranges.js';
import { CHARGING_FIGURES, MAX_TIMES, type TimeGrid } from '../model/charging.js';

export type { AxisSpec, ResolvedAxis, ResolvedSpec, SweepSpec } from './specTypes.js';
import type { AxisSpec, ResolvedAxis, ResolvedSpec, SweepSpec } from './specTypes.js';

export const MAX_AXES = 3;
const SPEC_KEYS = ['name', 'system', 'base', 'axes', 'outputs', 'description', 'plot', 'times'];
const TIMES_KEYS = ['from', 'to', 'n'];
const AXIS_KEYS = ['param', 'from', 'to', 'n', 'values', 'relative_to'];

function finite(what: string, v: unknown): number {
  if (typeof v !== 'number') throw new InputError(`${what}: must be a number (got ${JSON.stringify(v)})`);
  if (!Number.isFinite(v)) throw new InputError(`${what}: must be finite (got ${v})`);
  return v;
}

export function linspace(from: number, to: number, n: number): number[] {
  if (n === 1) return [from];
  return Array.from({ length: n }, (_, k) => (k === n - 1 ? to : from + ((to - from) * k) / (n - 1)));
}

function resolveAxis(a: unknown, k: number, sweepable: readonly string[]): ResolvedAxis {
  const where = `spec axes[${k}]`;
  if (typeof a !== 'object' || a === null || Array.isArray(a)) throw new InputError(`${where}: must be an object like {"param": "Delta", "from": -4, "to": 4, "n": 101}`);
  const ax = a as Record<string, unknown>;
  const unknown = Object.keys(ax).filter((key) => !AXIS_KEYS.includes(key));
  if (unknown.length) throw new InputError(`${where}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (allowed: ${AXIS_KEYS.join(', ')})`);
  if (typeof ax.param !== 'string') throw new InputError(`${where}: "param" must name a parameter (one of ${sweepable.join(', ')})`);
  const param = ax.param;
  const at = `${where} (${param})`;
  if (!sweepable.includes(param)) throw new InputError(`${at}: unknown param (sweepable: ${sweepable.join(', ')})`);
  if (ax.relative_to !== undefined && (typeof ax.relative_to !== 'string' || !sweepable.includes(ax.relative_to))) {
    throw new InputError(`${at}: relative_to must name a parameter (got ${JSON.stringify(ax.relative_to)})`);
  }
  const relative_to = ax.relative_to as string | undefined;
  // v x the axis's own value is not a coordinate (it read 0 everywhere once: the base dT)
  if (relative_to === param) throw new InputError(`${at}: relative_to names the axis itself; make it relative to another parameter (e.g. dT relative to Tbar)`);
  if (ax.values !== undefined) {
    if (ax.from !== undefined || ax.to !== undefined || ax.n !== undefined) throw new InputError(`${at}: give either "values" or "from"/"to"/"n", not both`);
    if (!Array.isArray(ax.values) || ax.values.length === 0) throw new InputError(`${at}: "values" must be a non-empty array of numbers`);
    if (ax.values.length > MAX_AXIS_POINTS) throw new InputError(`${at}: ${ax.values.length} values are more than the ${MAX_AXIS_POINTS} points an axis may have`);
    const values = ax.values.map((v, i) => finite(`${at} values[${i}]`, v));
    // two points with the same coordinates: a table and a picture that cannot say which is which
    const repeat = firstRepeat(values);
    if (repeat) throw new InputError(`${at}: values[${repeat[0]}] and values[${repeat[1]}] are both ${values[repeat[1]]}; each value of an axis must be distinct`);
    return { param, values, relative_to };
  }
  if (ax.from === undefined || ax.to === undefined || ax.n === undefined) throw new InputError(`${at}: needs "from", "to" and "n" (or "values")`);
  const from = finite(`${at} from`, ax.from);
  const to = finite(`${at} to`, ax.to);
  const n = finite(`${at} n`, ax.n);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`${at}: n must be a whole number >= 1 (got ${n})`);
  if (n > MAX_AXIS_POINTS) throw new InputError(`${at}: n = ${n} is more than the ${MAX_AXIS_POINTS} points an axis may have`);
  if (from > to) throw new InputError(`${at}: inverted axis, from (${from}) > to (${to})`);
  if (from === to && n > 1) throw new InputError(`${at}: empty axis, from = to = ${from} with n = ${n}`);
  return { param, values: linspace(from, to, n), relative_to };
}

/** Keys qbsweep writes into a result manifest (NAME.json); given to --spec, its "spec" is used and these are ignored. */
export const MANIFEST_MARK = 'sweep result';

/** A spec file's JSON: a spec, or a manifest written by `qbsweep sweep` (its spec reruns the sweep). */
export function specFromJson(input: unknown): unknown {
  if (typeof input === 'object' && input !== null && (input as Record<string, unknown>).qbsweep === MANIFEST_MARK) {
    const spec = (input as Record<string, unknown>).spec;
    if (typeof spec !== 'object' || spec === null) throw new InputError('spec: this qbsweep manifest has no "spec" to rerun');
    return spec;
  }
  // a figure's manifest holds several sweeps and tables, not one spec: its command reruns it
  if (typeof input === 'object' && input !== null && (input as Record<string, unknown>).qbsweep === 'figure') {
    const m = input as Record<string, unknown>;
    throw new InputError(`spec: this is the manifest of figure ${String(m.figure)}, not of a sweep; rerun it with: qbsweep ${typeof m.command === 'string' ? m.command : `figure ${String(m.figure)}`}`);
  }
  return input;
}

/** Validates a spec (from JSON or a preset) and expands its axes. */
export function resolveSpec(input: unknown, baseDir?: string): ResolvedSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InputError('spec: must be a JSON object {name, base, axes, outputs}');
  const s = input as Record<string, unknown>;
  const unknown = Object.keys(s).filter((k) => !SPEC_KEYS.includes(k));
  if (unknown.length) throw new InputError(`spec: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (allowed: ${SPEC_KEYS.join(', ')})`);
  const name = s.name ?? 'sweep';
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]+$/.test(name)) throw new InputError(`spec name: use letters, digits, '.', '_' and '-' only (it names the output files; got ${JSON.stringify(name)})`);
  const rawBase = (s.base ?? {}) as PointInput;
  if (typeof rawBase !== 'object' || rawBase === null || Array.isArray(rawBase)) throw new InputError('spec base: must be an object of point parameters');
  if (s.system !== undefined && rawBase.system !== undefined) throw new InputError('spec: give the system once, as "system" or as base.system');
  // the system travels with the base as a parsed definition: every later step reads it there
  const system = resolveSystem(s.system ?? rawBase.system, 'spec system', baseDir);
  // the derived names (Tbar, dT, ...) onto the system's parameters
  const base: PointInput = { ...normalizeBase(rawBase as Record<string, unknown>, system, 'spec base'), system };
  // the base alone must be a valid point: resolved here, once, and passed on
  return completeSpec(s, name, resolvePoint(base), base);
}

/**
 * A spec around a point already resolved (one point on a backend: `qbsweep point`), its axes,
 * outputs and time grid validated as resolveSpec does; the point is not resolved again.
 */
export function specOfPoint(point: PointParams, spec: Pick<SweepSpec, 'name' | 'axes' | 'outputs' | 'times'>): ResolvedSpec {
  return completeSpec(spec as unknown as Record<string, unknown>, spec.name, point);
}

/** The rest of a spec once its base point is resolved: axes, outputs, plot and times validated, the axes expanded. */
function completeSpec(s: Record<string, unknown>, name: string, point: PointParams, base?: PointInput): ResolvedSpec {
  const system = point.system;
  if (!Array.isArray(s.axes) || s.axes.length === 0) throw new InputError('spec axes: must be a non-empty array (1 to 3 axes)');
  if (s.axes.length > MAX_AXES) throw new InputError(`spec axes: at most ${MAX_AXES} axes (got ${s.axes.length}); run several sweeps for more`);
  const sweepable = sweepableParams(system);
  const resolvedAxes = s.axes.map((a, k) => resolveAxis(a, k, sweepable));
  const axisTwice = firstRepeat(resolvedAxes, (a) => a.param);
  if (axisTwice) throw new InputError(`spec axes: ${resolvedAxes[axisTwice[1]].param} appears twice`);
  checkAxisOverlap(resolvedAxes.map((a) => a.param));
  const times = s.times === undefined ? undefined : resolveTimes(s.times);
  const given = s.outputs === undefined ? [...DEFAULT_OUTPUTS] : s.outputs;
  if (!Array.isArray(given) || given.length === 0) throw new InputError(`spec outputs: must be a non-empty array (choose from ${OUTPUT_KEYS.join(', ')})`);
  const twice = firstRepeat(given);
  if (twice) throw new InputError(`spec outputs: ${JSON.stringify(given[twice[1]])} is listed twice; list each output once`);
  for (const o of given) {
    if (typeof o !== 'string' || !(OUTPUT_KEYS as readonly string[]).includes(o)) throw new InputError(`spec outputs: unknown output ${JSON.stringify(o)} (choose from ${OUTPUT_KEYS.join(', ')})`);
    if (!times && (CHARGING_FIGURES as readonly string[]).includes(o)) throw new InputError(`spec outputs: ${o} is read off a charging curve: add a time grid, e.g. "times": {"from": 0, "to": 50, "n": 101}`);
  }
  // a time grid brings its figures into the outputs (and the CSV)
  const outputs = times ? [...given, ...CHARGING_FIGURES.filter((o) => !given.includes(o))] : given;
  if (s.plot !== undefined) {
    const list = Array.isArray(s.plot) ? s.plot : [s.plot];
    if (!list.length || list.some((o) => typeof o !== 'string' || !outputs.includes(o))) throw new InputError(`spec plot: must be one of the outputs or a list of them (${outputs.join(', ')})`);
    const again = firstRepeat(list);
    if (again) throw new InputError(`spec plot: ${JSON.stringify(list[again[1]])} is listed twice; list each output once`);
  }
  const shape = resolvedAxes.map((a) => a.values.length);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > MAX_SWEEP_POINTS) throw new InputError(`spec axes: ${shape.join(' x ')} = ${count} points, more than the ${MAX_SWEEP_POINTS} one sweep may have; run several sweeps`);
  const resolved: ResolvedSpec = {
    name,
    ...(base ? { base } : {}),
    point,
    axes: s.axes as AxisSpec[],
    outputs: outputs as string[],
    description: typeof s.description === 'string' ? s.description : undefined,
    plot: s.plot as string | string[] | undefined,
    ...(times ? { times } : {}),
    resolvedAxes,
    shape,
    count,
  };
  // relative axes in order (a circle is refused), each meaning what its coordinate says
  new Grid(resolved).checkRelativeAxes();
  return resolved;
}

/** A time grid {from, to, n}, validated (n from 1 to MAX_TIMES, 0 <= from <= to within tau's range, from < to when n > 1). */
export function resolveTimes(t: unknown, where = 'spec times'): TimeGrid {
  if (typeof t !== 'object' || t === null || Array.isArray(t)) throw new InputError(`${where}: must be an object like {"from": 0, "to": 50, "n": 101}`);
  const o = t as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !TIMES_KEYS.includes(k));
  if (unknown.length) throw new InputError(`${where}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (allowed: ${TIMES_KEYS.join(', ')})`);
  if (o.from === undefined || o.to === undefined || o.n === undefined) throw new InputError(`${where}: needs "from", "to" and "n"`);
  const from = finite(`${where} from`, o.from);
  const to = finite(`${where} to`, o.to);
  const n = finite(`${where} n`, o.n);
  if (!Number.isInteger(n) || n < 1 || n > MAX_TIMES) throw new InputError(`${where}: n must be a whole number from 1 to ${MAX_TIMES} (got ${n})`);
  if (from < 0) throw new InputError(`${where}: from must be >= 0 (got ${from})`);
  if (to < from) throw new InputError(`${where}: to (${to}) must not be before from (${from})`);
  if (n > 1 && to === from) throw new InputError(`${where}: from = to = ${from} with n = ${n} times`);
  const tauMax = PARAM_RANGES.tau.max;
  if (to > tauMax) throw new InputError(`${where}: to = ${to} is beyond the valid range of times (up to ${tauMax} 1/lambda): ${PARAM_RANGES.tau.why}`);
  return { from, to, n };
}

/** FROM:TO:N (the CLI's --times, the explorer's field) as a validated time grid. */
export function parseTimeGrid(text: string, where = 'option --times'): TimeGrid {
  const m = /^\s*([^:]+):([^:]+):([^:]+)\s*$/.exec(text);
  if (!m) throw new InputError(`${where}: expected FROM:TO:N, e.g. 0:50:101 (got ${JSON.stringify(text)})`);
  const [from, to, n] = [m[1], m[2], m[3]].map((x, i) => {
    const v = Number(x.trim());
    if (x.trim() === '' || Number.isNaN(v)) throw new InputError(`${where}: ${['FROM', 'TO', 'N'][i]} is not a number (got ${JSON.stringify(x.trim())})`);
    return v;
  });
  return resolveTimes({ from, to, n }, where);
}

/** --grid NxM: N points along the last (x) axis, M along the one before (y); range axes only. */
export function applyGrid<S extends Pick<SweepSpec, 'axes'>>(spec: S, grid: string): S {
  const m = /^(\d+)(?:x(\d+))?$/.exec(grid.trim());
  if (!m) throw new InputError(`option --grid: expected NxM, e.g. 256x256 (got ${JSON.stringify(grid)})`);
  const nx = Number(m[1]);
  const ny = Number(m[2] ?? m[1]);
  if (nx < 1 || ny < 1) throw new InputError(`option --grid: sizes must be >= 1 (got ${grid})`);
  if (nx > MAX_AXIS_POINTS || ny > MAX_AXIS_POINTS) throw new InputError(`option --grid: at most ${MAX_AXIS_POINTS} points per axis (got ${grid})`);
  const axes = spec.axes.map((a) => ({ ...a }));
  const setN = (k: number, n: number) => {
    if (k < 0) return;
    if (axes[k].values !== undefined) throw new InputError(`option --grid: axis ${axes[k].param} is a list of values, not a range`);
    axes[k].n = n;
  };
  setN(axes.length - 1, nx);
  if (m[2] !== undefined || axes.length > 1) setN(axes.length - 2, ny);
  return { ...spec, axes };
}
