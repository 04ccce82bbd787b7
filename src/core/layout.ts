// The record formats every layer shares: the per-point parameter row the host writes, the
// per-point output record every backend fills, and the Run uniform of the WGSL kernels.
// shaders/layout.wgsl mirrors the structs (its PointParams is generated from PARAM_STRIDE here).

/** The master equation, the reservoirs' statistics and the boson rule at zero frequency (model/params.ts validates them). */
export type Reservoir = 'boson' | 'fermion';
export type ModelName = 'redfield' | 'bloch-redfield' | 'lindblad';
export type ZeroFreq = 'limit' | 'zero';
export { FLAG_BITS, type FlagName } from './constants.js';
import { wgslRecordSlots } from './outputs.js';

/** The most parameters a system may declare (the row has room for this many). */
export const MAX_SYSTEM_PARAMETERS = 36;

/**
 * One grid point's parameter row for a system of `amplitudes` = 2^n amplitudes: `stride` f32.
 *   [0] tau, [1] dt (<= 0: the kernel chooses the step), [2] the Lindblad frequency w*, [3] 0,
 *   [psiRe..] Re psi, [psiIm..] Im psi (2^n each: the initial state, normalised),
 *   [params..] the system's parameters in the order its definition declares them; the stride
 *   rounded up to whole vec4s (struct PointParams in WGSL).
 */
export function rowLayout(amplitudes: number) {
  const psiRe = 4;
  const psiIm = psiRe + amplitudes;
  const params = psiIm + amplitudes;
  const stride = 4 * Math.ceil((params + MAX_SYSTEM_PARAMETERS) / 4);
  return { tau: 0, dt: 1, lindbladW: 2, psiRe, psiIm, params, stride } as const;
}
export type RowLayout = ReturnType<typeof rowLayout>;

/** The two-qubit row (192 bytes) the GPU kernels and today's systems use: psi on ee, eg, ge, gg at [4..7] and [8..11], parameters from [12]. */
export const ROW = rowLayout(4);
export const PARAM_STRIDE = ROW.stride;
export const PARAM_BYTES = PARAM_STRIDE * 4;
export { MAX_RESERVOIRS } from './outputs.js';

/** Output record per point: its layout, stride and slots come from the output registry (src/core/outputs.ts). */
export { OUT, OUT_BYTES, OUT_STRIDE, STEADY_SLOTS, recordLayout, recordStride } from './outputs.js';

/** struct Run (uniform, 64 bytes): its u32 fields in order, with what each means; WGSL's struct is generated from this list. */
export const RUN_FIELDS = [
  ['model', '0 redfield, 1 bloch-redfield, 2 lindblad (the generator is generated per model)'],
  ['statistics', '0 as the system defines, 1 every reservoir boson, 2 every reservoir fermion'],
  ['zero_freq', '0 limit (rates -> their w -> 0 limit), 1 zero'],
  ['times_from', 'times: first time of the grid (f32 bits: bitcast<f32>)'],
  ['times_step', 'times: spacing of the grid (f32 bits)'],
  ['count', 'points in this dispatch chunk'],
  ['steps', 'rk4: steps per dispatch'],
  ['pad7', ''],
  ['first_step', 'rk4: index of the first step of this dispatch'],
  ['pad8', ''],
  ['pad0', 'always 0: makes a runtime NaN (a constant NaN is a WGSL error)'],
  ['spectrum_mode', 'spectrum: 0 every point, 1 only where the leap left |gap| tau >= STATIONARY_DECAYS undecided'],
  ['outputs', 'bits (OUTPUT_BITS): 1 concurrence at tau, 2 long-time concurrence'],
  ['times_count', 'times: number of times in this dispatch (a window of the grid)'],
  ['times_stride', 'times: times per point in the output buffer (the whole grid)'],
  ['times_offset', 'times: index of the window\'s first time in the grid'],
] as const;
type RunField = (typeof RUN_FIELDS)[number][0];
const RUN_INDEX = Object.fromEntries(RUN_FIELDS.map(([n], i) => [n, i])) as Record<RunField, number>;
export const RUN_BYTES = RUN_FIELDS.length * 4;

export interface RunConstants {
  model: ModelName;
  /** every reservoir's statistics set to this; undefined: as the system defines them */
  reservoir?: Reservoir;
  zeroFreq: ZeroFreq;
  count: number;
  steps?: number;
  firstStep?: number;
  /** spectrum program: 'all' points, or 'undecided' ones only (after leap) */
  spectrumMode?: 'all' | 'undecided';
  /**
   * compute the concurrence at tau / of the long-time limit (default both): no flag depends on
   * them, so they alone are skipped when not asked for (the figures of merit and the currents
   * give the non-positive and law flags, and are always computed)
   */
  concurrence?: boolean;
  steadyConcurrence?: boolean;
  /** the times program: n times from, from + step, ..., written at index offset of a grid of stride times per point */
  times?: { from: number; step: number; n: number; stride?: number; offset?: number };
}

/** Run.outputs bits: what a kernel computes beyond the basics (each skipped when unasked). */
export const OUTPUT_BITS = { concurrence: 1, steadyConcurrence: 2 } as const;

export const MODEL_CODE: Record<ModelName, number> = { redfield: 0, 'bloch-redfield': 1, lindblad: 2 };
/** Run.statistics: 0 as the system defines, 1 every reservoir boson, 2 every reservoir fermion. */
export const STATISTICS_CODE = { asDefined: 0, boson: 1, fermion: 2 } as const;

export function encodeRun(r: RunConstants): ArrayBuffer {
  const buf = new ArrayBuffer(RUN_BYTES);
  const u = new Uint32Array(buf);
  const set = (f: RunField, v: number) => (u[RUN_INDEX[f]] = v);
  set('model', MODEL_CODE[r.model]);
  set('statistics', r.reservoir === undefined ? STATISTICS_CODE.asDefined : STATISTICS_CODE[r.reservoir]);
  set('zero_freq', r.zeroFreq === 'zero' ? 1 : 0);
  set('count', r.count);
  set('steps', r.steps ?? 0);
  set('first_step', r.firstStep ?? 0);
  set('spectrum_mode', r.spectrumMode === 'undecided' ? 1 : 0);
  if (r.times) {
    const f = new Float32Array(buf);
    f[RUN_INDEX.times_from] = r.times.from;
    f[RUN_INDEX.times_step] = r.times.step;
    set('times_count', r.times.n);
    set('times_stride', r.times.stride ?? r.times.n);
    set('times_offset', r.times.offset ?? 0);
  }
  let bits = 0;
  for (const [k, b] of Object.entries(OUTPUT_BITS)) if (r[k as keyof typeof OUTPUT_BITS] !== false) bits |= b;
  set('outputs', bits);
  return buf;
}

/** WGSL: struct Run, the record slots OUT_*, struct PointParams and the row-header accessors (generated from RUN_FIELDS, OUT, ROW). */
export function wgslPointParams(): string {
  const at = (k: number) => `p.v[${k >> 2}][${k & 3}]`;
  return [
    `struct Run {\n${RUN_FIELDS.map(([n, doc]) => `  ${n}: u32,${doc ? ` // ${doc}` : ''}`).join('\n')}\n}`,
    // every record slot by name: OUT_EFFICIENCY, OUT_STEADY_FLAGS, ...
    wgslRecordSlots(16),
    `struct PointParams { v: array<vec4<f32>, ${PARAM_STRIDE / 4}> }`,
    `fn point_tau(p: PointParams) -> f32 { return ${at(ROW.tau)}; }`,
    `fn point_dt(p: PointParams) -> f32 { return ${at(ROW.dt)}; }`,
    `fn point_psi_re(p: PointParams) -> vec4<f32> { return p.v[${ROW.psiRe / 4}]; }`,
    `fn point_psi_im(p: PointParams) -> vec4<f32> { return p.v[${ROW.psiIm / 4}]; }`,
  ].join('\n');
}

/** Expression reading row slot k of point p in WGSL. */
export const wgslRowSlot = (k: number): string => `p.v[${k >> 2}][${k & 3}]`;
