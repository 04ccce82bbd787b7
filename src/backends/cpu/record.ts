// float64 point results into the shared record layout, and parameter rows back into points.

import { recordLayout, recordStride, rowLayout } from '../../core/layout.js';
import { flagBits, resultValue, writeOutputs } from '../../core/outputs.js';
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

/** A float64 result into record k of its state's size (r.length components): every output from its `point --json` key, then the values that are not outputs. */
export function writeRecord(res: PointResult, dt: number, out: Float64Array, k: number): void {
  const OUT = recordLayout(res.r.length);
  const b = k * recordStride(res.r.length);
  for (let i = 0; i < res.r.length; i++) out[b + OUT.r + i] = res.r[i];
  writeOutputs(out, b, (e) => e.key !== undefined, (key) => resultValue(res, key), OUT);
  out[b + OUT.flags] = flagBits(res.flags);
  out[b + OUT.dt] = dt;
  out[b + OUT.spectralRadius] = res.spectral_radius;
  out[b + OUT.slowest] = res.slowest_relaxation;
  out[b + OUT.steadyFlags] = 0;
  out[b + OUT.spectrumFlags] = 0;
  out[b + OUT.transientBound] = Number.NaN;
}
