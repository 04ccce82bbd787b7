// The generator of a point: the real 16x16 matrix G on the Pauli vector, in float64, as the
// system compiler emits it (src/compiler) for the point's system and model.

import { PARAM_STRIDE, ROW } from '../core/layout.js';
import { AUX_LENGTH, generatorF64 } from '../compiler/targets.js';
import type { Mat } from './linalg.js';
import { type PointParams, lindbladFrequencyOf } from './params.js';

export interface GeneratorParts {
  /** a level crossing with a coupling that makes the i<j prescription basis dependent */
  degenerate: boolean;
}

/** The kernels' parameter row of a point (layout: src/core/layout.ts ROW): the one writer of rows (the grid's, a single point's). */
export function pointRow<Row extends Float32Array | Float64Array = Float64Array>(p: PointParams, dt = 0, dst: Row = new Float64Array(PARAM_STRIDE) as Row, index = 0): Row {
  const o = index * PARAM_STRIDE;
  dst.fill(0, o, o + PARAM_STRIDE);
  dst[o + ROW.tau] = p.tau;
  dst[o + ROW.dt] = dt;
  dst[o + ROW.lindbladW] = p.model === 'lindblad' ? lindbladFrequencyOf(p) : 0;
  for (let k = 0; k < p.psi_real.length; k++) {
    dst[o + ROW.psiRe + k] = p.psi_real[k];
    dst[o + ROW.psiIm + k] = p.psi_imag[k];
  }
  for (let i = 0; i < p.values.length; i++) dst[o + ROW.params + i] = p.values[i];
  return dst;
}

/** G and the degeneracy flag of a point, in float64; `aux`: the reservoirs' current coefficients (targets.ts AUX). */
export function generator(p: PointParams): { G: Mat; parts: GeneratorParts; aux: Float64Array } {
  const fn = generatorF64(p.system, { model: p.model, reservoir: p.reservoir, zeroFreq: p.zero_freq });
  const G = new Float64Array(256);
  const aux = new Float64Array(AUX_LENGTH);
  const degenerate = fn(pointRow(p), 0, G, aux) > 0.5;
  return { G, parts: { degenerate }, aux };
}

/** Writes point p's parameter row at row `index` of dst (the layout every backend reads). */
export function writeParamRow(dst: Float32Array | Float64Array, index: number, p: PointParams, dt = 0): void {
  pointRow(p, dt, dst, index);
}
