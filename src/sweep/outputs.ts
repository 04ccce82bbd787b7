// What a sweep can write per point, named as the keys of `qbsweep point --json`, and how to
// read each from the record every backend fills (the layout of shaders/layout.wgsl).

import { PRECISION_OBSERVABLES } from '../core/constants.js';
import { FLAG_BITS, OUT, recordLayout, recordStride } from '../core/layout.js';
import { GPU_TOLERANCE } from './tolerance.js';
import { pauliBasis } from '../algebra/pauli.js';
import { qubitsOfState } from '../core/dimension.js';
import { CHARGING_FIGURES, CHARGING_FIGURE_DOCS, TRAJECTORY_QUANTITIES } from '../model/charging.js';

export { SCALAR_OUTPUTS, INTERNAL_COLUMNS, FlagWords, outputSlot, flagNames, flagBits } from '../core/outputs.js';
import { RECORD_ENTRIES, type RecordEntry, type RecordLayout, SCALAR_OUTPUTS, entryOutputs, outputValue, programSlots } from '../core/outputs.js';

export const RECORD = OUT;

/** The record of a state of stateDim components: its layout, its stride, the long-time values, the internal columns' slots. */
export interface RecordShape {
  /** components of the state (r, the first slots) */
  stateDim: number;
  layout: RecordLayout;
  stride: number;
  steadySlots: readonly number[];
  internal: Readonly<Record<string, number>>;
}
const shapes = new Map<number, RecordShape>();
/** The record shape of a system's state size (16: the two-qubit record every GPU backend writes). */
export function recordShape(stateDim = 16): RecordShape {
  let s = shapes.get(stateDim);
  if (!s) {
    const layout = recordLayout(stateDim);
    const internal = Object.fromEntries(RECORD_ENTRIES.filter((e) => e.internalColumn).map((e) => [e.internalColumn!, (layout as unknown as Record<string, number>)[e.slot]]));
    shapes.set(stateDim, (s = { stateDim, layout, stride: recordStride(stateDim), steadySlots: programSlots(layout, 'limit', false), internal }));
  }
  return s;
}

/** The slot of a scalar output in a record of this shape. */
function slotOf(shape: RecordShape, column: string): number | undefined {
  const v = outputValue(column);
  return v === undefined ? undefined : (shape.layout as unknown as Record<string, number>)[v.entry.slot] + v.offset;
}

/** `rho` expands to the 2 x 2^n x 2^n columns rho_real[i][j], rho_imag[i][j] (32 for two qubits); the charging figures need a spec's time grid */
export const OUTPUT_KEYS = [...SCALAR_OUTPUTS, 'rho', ...CHARGING_FIGURES] as const;
export type OutputKey = (typeof OUTPUT_KEYS)[number];
export const DEFAULT_OUTPUTS: OutputKey[] = ['efficiency', 'E_B_over_omega', 'ergotropy_over_omega', 'concurrence', 'steady.efficiency'];

/** Long name and unit of every output's column (CSV header docs, HDF5 long_name and units, the docs table): the registry's, then the charging figures'. */
export const OUTPUT_DOCS: Record<string, { label: string; unit: string }> = Object.fromEntries(RECORD_ENTRIES.flatMap(entryOutputs).map((o) => [o.key, o.doc]));
for (const k of CHARGING_FIGURES) OUTPUT_DOCS[k] = CHARGING_FIGURE_DOCS[k];

/** The charging-curve arrays of a sweep with a time grid (HDF5 datasets over the axes and t), by quantity. */
export const TRAJECTORY_COLUMNS = TRAJECTORY_QUANTITIES.map((q) => `trajectory.${q}`);
for (const q of TRAJECTORY_QUANTITIES) OUTPUT_DOCS[`trajectory.${q}`] = { label: `${q === 'average_power' ? OUTPUT_DOCS.average_power.label.replace('tau', 't') : OUTPUT_DOCS[q].label} at time t`, unit: OUTPUT_DOCS[q].unit };

/** Columns of grid times (the charging figures' times): kept in float64 on every backend, so they read as the grid's times. */
export const TIME_COLUMNS: readonly string[] = ['time_of_max_average_power', 'charging_time_90'];

/** CSV/array column names for the chosen outputs, in order, for a system's state of stateDim components (`rho`: its 2^n x 2^n entries). */
export function outputColumns(outputs: string[], stateDim = 16): string[] {
  const side = 2 ** qubitsOfState(stateDim);
  const cols: string[] = [];
  for (const o of outputs) {
    if (o === 'rho') {
      for (const part of ['rho_real', 'rho_imag']) for (let i = 0; i < side; i++) for (let j = 0; j < side; j++) cols.push(`${part}[${i}][${j}]`);
    } else cols.push(o);
  }
  return cols;
}

/** rho's entries from r (rho = 2^-n sum_a r_a P_a), entry i side + j as a sparse list of (component, coefficient) for each part. */
type RhoTerms = { re: [number, number][]; im: [number, number][] }[];
const rhoTermsCache = new Map<number, RhoTerms>();
function rhoTerms(stateDim: number): RhoTerms {
  let terms = rhoTermsCache.get(stateDim);
  if (!terms) {
    const { qubits, permutations } = pauliBasis(qubitsOfState(stateDim));
    const side = 2 ** qubits;
    terms = Array.from({ length: side * side }, () => ({ re: [], im: [] }));
    // each Pauli string has one entry per row i, in column perm[i]
    permutations.forEach(({ perm, phaseRe, phaseIm }, a) =>
      perm.forEach((j, i) => {
        if (phaseRe[i] !== 0) terms![i * side + j].re.push([a, phaseRe[i] / side]);
        if (phaseIm[i] !== 0) terms![i * side + j].im.push([a, phaseIm[i] / side]);
      }),
    );
    rhoTermsCache.set(stateDim, terms);
  }
  return terms;
}


/** Copies one column of `n` records into dst[at ..]: a plain strided copy for scalar outputs. */
export function copyColumn(records: ArrayLike<number>, n: number, column: string, dst: Float32Array | Float64Array, at: number, shape = recordShape()): void {
  const slot = slotOf(shape, column) ?? shape.internal[column] ?? -1;
  if (slot < 0) {
    for (let k = 0; k < n; k++) dst[at + k] = columnValue(records, k, column, shape);
    return;
  }
  for (let k = 0, o = slot; k < n; k++, o += shape.stride) dst[at + k] = records[o];
}

/** The value of one column for record k. */
export function columnValue(records: ArrayLike<number>, k: number, column: string, shape = recordShape()): number {
  const base = k * shape.stride;
  const slot = slotOf(shape, column);
  if (slot !== undefined) return records[base + slot];
  if (column in shape.internal) return records[base + shape.internal[column]];
  const m = /^rho_(real|imag)\[(\d+)\]\[(\d+)\]$/.exec(column);
  const side = Math.sqrt(shape.stateDim);
  if (!m || Number(m[2]) >= side || Number(m[3]) >= side) throw new Error(`unknown column ${column}`);
  const terms = rhoTerms(shape.stateDim)[Number(m[2]) * side + Number(m[3])][m[1] === 'real' ? 're' : 'im'];
  let v = 0;
  for (const [i, c] of terms) v += c * records[base + i];
  return v;
}

/**
 * What a finished record keeps, on every backend, before its columns and flags are read: a point
 * flagged non-finite (its generator, its spectrum or its state) has NaN in every slot and that
 * flag alone; an unstable one (a growing mode) has no long-time limit, so its long-time slots are
 * NaN and the flags that describe the limit (the steady word: bistable, first-law, second-law,
 * the limit's non-positive) go.
 */
export function settleRecord(records: Float32Array | Float64Array, k: number, shape = recordShape()): void {
  const { layout: OUT, stride: RECORD_STRIDE } = shape;
  const b = k * RECORD_STRIDE;
  const words = (records[b + OUT.flags] | 0) | (records[b + OUT.steadyFlags] | 0) | (records[b + OUT.spectrumFlags] | 0);
  if (words & FLAG_BITS['non-finite']) {
    records.fill(Number.NaN, b, b + RECORD_STRIDE);
    records[b + OUT.flags] = FLAG_BITS['non-finite'];
    records[b + OUT.steadyFlags] = 0;
    records[b + OUT.spectrumFlags] = 0;
  } else if (words & FLAG_BITS.unstable) {
    for (const s of shape.steadySlots) records[b + s] = Number.NaN;
    records[b + OUT.steadyFlags] = 0;
  }
}

/**
 * Flag bits of record k (the words of the evolution, steady and spectrum programs). A float32
 * record's `non-positive` stands only where rho's smallest eigenvalue is below what float32
 * resolves there: -1e-5 where the point is stationary at tau, -2e-3 (the transient tolerance of
 * the state itself) where it is not or the kernel is degenerate.
 */
export function recordFlags(records: ArrayLike<number>, k: number, precision: 'float32' | 'float64' = 'float64', shape = recordShape()): number {
  const { layout: OUT } = shape;
  const b = k * shape.stride;
  let f = (records[b + OUT.flags] | 0) | (records[b + OUT.steadyFlags] | 0) | (records[b + OUT.spectrumFlags] | 0);
  if (precision === 'float32' && f & FLAG_BITS['non-positive']) {
    const unsettled = f & (FLAG_BITS['not-stationary-at-tau'] | FLAG_BITS.bistable);
    const tol = unsettled ? GPU_TOLERANCE.transient : PRECISION_OBSERVABLES.f32.nonPositive;
    // each state on its own: a NaN (no number) never hides the other's eigenvalue
    const atTau = records[b + OUT.rhoMin] < -tol;
    const limit = records[b + OUT.kernelDim] === 1 && records[b + OUT.steadyRhoMin] < -tol;
    if (!atTau && !limit) f &= ~FLAG_BITS['non-positive'];
  }
  return f;
}

/** The dataset of a column: CF and netCDF names have no dots (`steady.efficiency` -> `steady_efficiency`). */
export function h5Name(column: string): string {
  return column.replace(/\./g, '_');
}

const PROGRAM_DOCS = { tau: 'the state at tau', limit: 'the long-time limit', spectrum: 'the spectrum' } as const;

/** An entry's float32 tolerance in words (src/sweep/tolerance.ts: toleranceAt). */
function toleranceDoc(e: RecordEntry): string {
  const T = GPU_TOLERANCE;
  const f = (x: number) => x.toExponential();
  const atTau = (x: number) => (e.program === 'limit' ? f(x) : `${f(x)} (${f(T.transient)} where \\|gap\\| tau < ${T.stationaryDecays})`);
  const base = { state: atTau(T.stationary), concurrence: atTau(T.concurrence), gap: `${f(T.gapRelative)} of the largest \\|eigenvalue\\|`, none: 'exact' }[e.tolerance!];
  return `${base}${e.perEnergy ? ', more where E_B is small' : ''}${e.perTemperature ? ', times sum_k 1/T_k' : ''}`;
}

/** The docs table of the scalar outputs (docs/OUTPUTS.md), one row per registry entry, in the order the lists show them. */
export function outputsTable(): string {
  const rows = SCALAR_OUTPUTS.map(outputValue).filter((o) => o!.offset === 0).map((o) => {
    const e = o!.entry;
    const key = e.size ? `\`${e.key!.replace('#', 'k')}\` (k = 1..${e.size})` : `\`${e.key}\``;
    return `| ${key} | ${e.doc!.label.replace('#', 'k').replace(/\|/g, '\\|')} | ${e.doc!.unit} | ${PROGRAM_DOCS[e.program]} | ${toleranceDoc(e)} |`;
  });
  return ['| output | long name (CSV, HDF5 `long_name`) | unit | of | float32 tolerance against float64 |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
