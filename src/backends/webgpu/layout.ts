// Host mirrors of the WGSL structs in shaders/layout.wgsl, with their byte sizes.

import type { LindbladFreq, ModelName, PointParams, Reservoir, ZeroFreq } from '../../model/params.js';

/** struct PointParams { v: array<vec4<f32>, 6> }: 24 f32 = 96 bytes per point. */
export const PARAM_STRIDE = 24;
export const PARAM_BYTES = PARAM_STRIDE * 4;

/** Output record per point: 36 f32 = 144 bytes (field map in shaders/layout.wgsl). */
export const OUT_STRIDE = 36;
export const OUT_BYTES = OUT_STRIDE * 4;
export const OUT = {
  r: 0,
  efficiency: 16,
  energy: 17,
  ergotropy: 18,
  concurrence: 19,
  steadyEfficiency: 20,
  steadyEnergy: 21,
  steadyErgotropy: 22,
  steadyConcurrence: 23,
  kernelDim: 24,
  gap: 25,
  flags: 26,
  dt: 27,
  spectralRadius: 28,
  slowest: 29,
  steadyFlags: 30,
  spectrumFlags: 31,
  transientBound: 32,
} as const;

export const FLAG_BITS = { degenerate: 1, bistable: 2, 'zero-energy': 4, 'non-finite': 8, 'not-stationary-at-tau': 16 } as const;

/** struct Run: 64 bytes (uniform). */
export const RUN_BYTES = 64;

export interface RunConstants {
  model: ModelName;
  reservoir: Reservoir;
  zeroFreq: ZeroFreq;
  lindbladFreq: LindbladFreq;
  count: number;
  steps?: number;
  recordEvery?: number;
  firstStep?: number;
  recordSlots?: number;
  /** spectrum program: 'all' points, or 'undecided' ones only (after leap) */
  spectrumMode?: 'all' | 'undecided';
  /** compute the concurrence at tau / of the long-time limit (default both) */
  concurrence?: boolean;
  steadyConcurrence?: boolean;
}

const MODEL_CODE: Record<ModelName, number> = { redfield: 0, 'bloch-redfield': 1, lindblad: 2 };

export function encodeRun(r: RunConstants): ArrayBuffer {
  const buf = new ArrayBuffer(RUN_BYTES);
  const u = new Uint32Array(buf);
  const f = new Float32Array(buf);
  u[0] = MODEL_CODE[r.model];
  u[1] = r.reservoir === 'fermion' ? 1 : 0;
  u[2] = r.zeroFreq === 'zero' ? 1 : 0;
  u[3] = r.lindbladFreq === 'lambda' ? 0 : r.lindbladFreq === 'M' ? 1 : 2;
  f[4] = typeof r.lindbladFreq === 'number' ? r.lindbladFreq : 0;
  u[5] = r.count;
  u[6] = r.steps ?? 0;
  u[7] = r.recordEvery ?? 0;
  u[8] = r.firstStep ?? 0;
  u[9] = r.recordSlots ?? 0;
  u[11] = r.spectrumMode === 'undecided' ? 1 : 0;
  u[12] = (r.concurrence === false ? 0 : 1) | (r.steadyConcurrence === false ? 0 : 2);
  return buf;
}

/** Writes one point's 24 parameters at row `index` (dt <= 0: the kernel chooses the step). */
export function writeParamRow(dst: Float32Array | Float64Array, index: number, p: PointParams, dt = 0): void {
  const o = index * PARAM_STRIDE;
  dst[o + 0] = p.Delta1;
  dst[o + 1] = p.Delta2;
  dst[o + 2] = p.F;
  dst[o + 3] = p.lambda;
  dst[o + 4] = p.alpha1;
  dst[o + 5] = p.alpha2;
  dst[o + 6] = p.omega_c;
  dst[o + 7] = p.T1;
  dst[o + 8] = p.T2;
  dst[o + 9] = p.mu1;
  dst[o + 10] = p.mu2;
  dst[o + 11] = p.tau;
  dst[o + 12] = dt;
  dst[o + 13] = 0;
  dst[o + 14] = 0;
  dst[o + 15] = 0;
  for (let k = 0; k < 4; k++) {
    dst[o + 16 + k] = p.psi_real[k];
    dst[o + 20 + k] = p.psi_imag[k];
  }
}
