// float64 point results into the shared record layout, and parameter rows back into points.

import { FLAG_BITS, OUT, OUT_STRIDE, PARAM_STRIDE } from '../webgpu/layout.js';
import type { PointParams } from '../../model/params.js';
import type { PointResult } from '../../model/point.js';
import type { RunSettings } from '../webgpu/engine.js';

/** The point a parameter row describes (rows come from Grid.fillRows; they are valid by construction). */
export function rowToPoint(rows: ArrayLike<number>, k: number, s: RunSettings): PointParams {
  const o = k * PARAM_STRIDE;
  return {
    reservoir: s.reservoir,
    model: s.model,
    zero_freq: s.zeroFreq,
    lindblad_freq: s.lindbladFreq,
    Delta1: rows[o], Delta2: rows[o + 1], F: rows[o + 2], lambda: rows[o + 3],
    alpha1: rows[o + 4], alpha2: rows[o + 5], omega_c: rows[o + 6], T1: rows[o + 7],
    T2: rows[o + 8], mu1: rows[o + 9], mu2: rows[o + 10], tau: rows[o + 11],
    psi_real: [rows[o + 16], rows[o + 17], rows[o + 18], rows[o + 19]],
    psi_imag: [rows[o + 20], rows[o + 21], rows[o + 22], rows[o + 23]],
    state_label: 'grid',
  };
}

export function writeRecord(res: PointResult, dt: number, out: Float64Array, k: number): void {
  const b = k * OUT_STRIDE;
  for (let i = 0; i < 16; i++) out[b + i] = res.r[i];
  out[b + OUT.efficiency] = res.efficiency;
  out[b + OUT.energy] = res.E_B_over_omega;
  out[b + OUT.ergotropy] = res.ergotropy_over_omega;
  out[b + OUT.concurrence] = res.concurrence;
  out[b + OUT.steadyEfficiency] = res.steady.efficiency;
  out[b + OUT.steadyEnergy] = res.steady.E_B_over_omega;
  out[b + OUT.steadyErgotropy] = res.steady.ergotropy_over_omega;
  out[b + OUT.steadyConcurrence] = res.steady.concurrence;
  out[b + OUT.kernelDim] = res.steady.kernel_dim;
  out[b + OUT.gap] = res.liouvillian_gap;
  let flags = 0;
  for (const f of res.flags) flags |= FLAG_BITS[f];
  out[b + OUT.flags] = flags;
  out[b + OUT.dt] = dt;
  out[b + OUT.spectralRadius] = res.spectral_radius;
  out[b + OUT.slowest] = res.slowest_relaxation;
  out[b + OUT.steadyFlags] = 0;
  out[b + OUT.spectrumFlags] = 0;
}
