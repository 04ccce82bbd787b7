// The generator of a point: the real stateDim x stateDim matrix G on the Pauli vector, in float64,
// as the system compiler emits it (src/compiler) for the point's system and model.

import { rowLayout } from '../core/layout.js';
import { auxLayout, generatorF64 } from '../compiler/targets.js';
import type { Mat } from './linalg.js';
import { type PointParams, lindbladFrequencyOf } from './params.js';

export interface GeneratorParts {
  /** a level crossing with a coupling that makes the i<j prescription basis dependent */
  degenerate: boolean;
}

/** The kernels' parameter row of a point (layout: src/core/layout.ts rowLayout of its system): the one writer of rows (the grid's, a single point's). */
export function pointRow<Row extends Float32Array | Float64Array = Float64Array>(p: PointParams, dt = 0, dst?: Row, index = 0): Row {
  const row = rowLayout(p.system.amplitudes);
  const out = dst ?? (new Float64Array(row.stride) as Row);
  const o = index * row.stride;
  out.fill(0, o, o + row.stride);
  out[o + row.tau] = p.tau;
  out[o + row.dt] = dt;
  out[o + row.lindbladW] = p.model === 'lindblad' ? lindbladFrequencyOf(p) : 0;
  for (let k = 0; k < p.psi_real.length; k++) {
    out[o + row.psiRe + k] = p.psi_real[k];
    out[o + row.psiIm + k] = p.psi_imag[k];
  }
  for (let i = 0; i < p.values.length; i++) out[o + row.params + i] = p.values[i];
  return out;
}

/** G and the degeneracy flag of a point, in float64; `aux`: the reservoirs' current coefficients (targets.ts AUX). */
export function generator(p: PointParams): { G: Mat; parts: GeneratorParts; aux: Float64Array } {
  const fn = generatorF64(p.system, { model: p.model, reservoir: p.reservoir, zeroFreq: p.zero_freq });
  const G = new Float64Array(p.system.stateDim ** 2);
  const aux = new Float64Array(auxLayout(p.system.stateDim).length);
  const degenerate = fn(pointRow(p), 0, G, aux) > 0.5;
  return { G, parts: { degenerate }, aux };
}

