// Time evolution of the Pauli vector r (r_0 = 1 held fixed: trace preservation is structural).
// Every function reads the state's size from its generator G (stateDim x stateDim).

import { LEAP_ORDER } from '../core/constants.js';
import { sideOf } from '../core/dimension.js';
import { stepsF64 } from '../compiler/steps.js';
import { type Mat, expm, identity, matmul, matvec, normInf } from './linalg.js';
import { densityToVector, pureDensity } from '../algebra/pauli.js';
import type { PointParams } from './params.js';

export function initialVector(p: Pick<PointParams, 'psi_real' | 'psi_imag'>): Float64Array {
  return densityToVector(pureDensity(p.psi_real, p.psi_imag));
}

/** Row 0 of every propagator is (1, 0, ..., 0): r_0 is never evolved. */
export function fixTraceRow(m: Mat): Mat {
  m[0] = 1;
  m.fill(0, 1, sideOf(m));
  return m;
}

/** exp(G t) by scaling and squaring, row 00 fixed: the float64 propagator over time t. */
export function propagator(G: Mat, t: number): Mat {
  return fixTraceRow(expm(G.map((x) => x * t), sideOf(G)));
}

/** r(tau) = exp(G tau) r0 (the float64 reference). */
export function evolveExact(G: Mat, r0: Float64Array, tau: number): Float64Array {
  if (tau === 0) return Float64Array.from(r0);
  const r = matvec(propagator(G, tau), r0, sideOf(G));
  r[0] = 1;
  return r;
}

/** The classic RK4 one-step map of dr/dt = G r: M = I + hG + (hG)^2/2 + (hG)^3/6 + (hG)^4/24. */
export function rk4StepMatrix(G: Mat, h: number): Mat {
  const n = sideOf(G);
  const hG = G.map((x) => x * h);
  const hG2 = matmul(hG, hG, n);
  const hG3 = matmul(hG2, hG, n);
  const hG4 = matmul(hG3, hG, n);
  const M = identity(n);
  for (let k = 0; k < M.length; k++) M[k] += hG[k] + hG2[k] / 2 + hG3[k] / 6 + hG4[k] / 24;
  return fixTraceRow(M);
}

/**
 * Step size for leap when the user gives none: h = min(0.2, 1 / ||G||_inf). ||G||_inf bounds
 * the spectral radius, so ||hG|| <= 1 and the Taylor-8 map is exp(hG) to ~3e-6 for the
 * fastest modes and ~1e-12 per step for slow ones; 0.2 caps the number of squarings
 * (fewer squarings, less float32 rounding: MODEL.md "float32").
 */
export function defaultStep(G: Mat): number {
  return stepsF64().defaultStepOf(normInf(G, sideOf(G)));
}

/** Step for rk4 when none is given: min(0.05, 0.25 / ||G||_inf) (as rk4_default_step in WGSL). */
export function rk4DefaultStep(G: Mat): number {
  return Math.min(0.05, 0.25 / Math.max(normInf(G, sideOf(G)), 1e-300));
}

/** Number of whole steps of size h that reach tau (the last step is shortened to land on tau exactly). */
export function stepPlan(tau: number, h: number): { steps: number; last: number } {
  if (tau === 0) return { steps: 0, last: 0 };
  const steps = Math.floor(tau / h + 1e-9);
  const last = tau - steps * h;
  return { steps, last: last > 1e-12 * tau ? last : 0 };
}

/** M^n by binary powering: O(log n) products. Leap applies the same discrete dynamics as n RK4 steps. */
export function matrixPower(M: Mat, n: number): Mat {
  const side = sideOf(M);
  let result: Mat = identity(side);
  let base: Mat = Float64Array.from(M);
  let k = n;
  while (k > 0) {
    if (k & 1) result = fixTraceRow(matmul(base, result, side));
    k = Math.floor(k / 2);
    if (k > 0) base = fixTraceRow(matmul(base, base, side));
  }
  return result;
}

/** The leap's one-step map: exp(hG) to Taylor order 8 (as shaders/propagate.wgsl taylor_step_matrix). */
export { LEAP_ORDER };
export function taylorStepMatrix(G: Mat, h: number, order = LEAP_ORDER): Mat {
  const n = sideOf(G);
  const hG = G.map((x) => x * h);
  let M: Mat = identity(n);
  for (let k = 0; k < M.length; k++) M[k] += hG[k] / order;
  for (let j = order - 1; j >= 1; j--) {
    const P = matmul(hG, M, n);
    M = identity(n);
    for (let k = 0; k < M.length; k++) M[k] += P[k] / j;
  }
  return fixTraceRow(M);
}

/** float64 leap: n steps of the Taylor-8 map of size h applied as M^n, then one RK4 step of the remainder. */
export function evolveLeap(G: Mat, r0: Float64Array, tau: number, h0: number): Float64Array {
  const { steps, h } = evenSteps(tau, h0);
  const r: Float64Array = matvec(matrixPower(taylorStepMatrix(G, h), steps), r0, sideOf(G));
  r[0] = 1;
  return r;
}

/** The leap's steps: tau = n h exactly, h = tau / ceil(tau / h0) <= h0 (no remainder step). */
export function evenSteps(tau: number, h0: number): { steps: number; h: number } {
  const steps = stepsF64().leapSteps(tau, h0);
  return { steps, h: steps > 0 ? tau / steps : h0 };
}

/** float64 literal RK4 stepping (slow for long tau; the reference for the GPU rk4 integrator). */
export function evolveRk4(G: Mat, r0: Float64Array, tau: number, h: number, onStep?: (t: number, r: Float64Array) => void): Float64Array {
  const { steps, last } = stepPlan(tau, h);
  const n = sideOf(G);
  const M = rk4StepMatrix(G, h);
  let r: Float64Array = Float64Array.from(r0);
  for (let s = 0; s < steps; s++) {
    r = matvec(M, r, n);
    onStep?.((s + 1) * h, r);
  }
  if (last > 0) r = matvec(rk4StepMatrix(G, last), r, n);
  r[0] = 1;
  return r;
}
