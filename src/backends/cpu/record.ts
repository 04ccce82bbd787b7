// float64 point results into the shared record layout, and parameter rows back into points.

import { FLAG_BITS, OUT, OUT_STRIDE, rowLayout } from '../../core/layout.js';
import { SCALAR_OUTPUTS, outputSlot } from '../../core/outputs.js';
import type { PointParams } from '../../model/params.js';
import type { PointResult } from '../../model/point.js';
import type { RunSettings } from '../types.js';

/** The point a parameter row describes (rows come from Grid.fillRows; they are valid by construction). */
export function rowToPoint(rows: ArrayLike<number>, k: number, s: RunSettings): PointParams {
  const row = rowLayout(s.system.amplitudes);
  const o = k * row.stride;
  const values = s.system.parameters.map((_, i) => rows[o + row.params + i]);
  return {
    system: s.system,
    values,
    reservoir: s.reservoir,
    model: s.model,
    zero_freq: s.zeroFreq,
    // the row carries w* already evaluated
    lindblad_freq: rows[o + row.lindbladW],
    tau: rows[o + row.tau],
    psi_real: Array.from({ length: s.system.amplitudes }, (_, q) => rows[o + row.psiRe + q]),
    psi_imag: Array.from({ length: s.system.amplitudes }, (_, q) => rows[o + row.psiIm + q]),
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
  out[b + OUT.transientBound] = Number.NaN;
  // every other scalar output: its record slot from its point --json name
  for (const key of SCALAR_OUTPUTS) {
    const slot = outputSlot(key)!;
    if (slot < OUT.incoherent) continue;
    const v = key.startsWith('steady.') ? (res.steady as Record<string, number>)[key.slice(7)] : (res as unknown as Record<string, number>)[key];
    out[b + slot] = v ?? (key.includes('current') ? Number.NaN : 0);
  }
}
