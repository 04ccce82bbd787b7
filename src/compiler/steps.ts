// The leap's step plan, written once and emitted into every dialect: the step when none is given,
// h0 = min(LEAP_MAX_STEP, 1 / ||G||_inf) (so ||h G|| <= 1 and the Taylor-8 map is exp(hG) to
// f32 rounding), and the whole number of steps n = ceil(tau / h0) that reaches tau with
// h = tau / n <= h0 (no remainder step of another method: an RK4 remainder cost 2e-4 at short tau).

import { LEAP_MAX_STEP, PRECISION } from '../core/constants.js';
import { type Dialect, type Emitter, type Expr, lit, scalarFunction } from './emitter.js';

/** h0 = min(LEAP_MAX_STEP, 1 / ||G||_inf), from the norm. */
export function emitDefaultStep(em: Emitter, name: string, norm: Expr): Expr {
  return em.value(name, `Math.min(${lit(LEAP_MAX_STEP)}, 1.0 / Math.max(${norm}, 1e-30))`);
}

/** n = max(1, ceil(tau / h0 - slack)) for tau > 0, else 0 (as a float); slack absorbs the rounding of tau = k h0. */
export function emitLeapSteps(em: Emitter, name: string, tau: Expr, h0: Expr): Expr {
  const slack = lit(PRECISION[em.precision].stepSlack);
  return em.value(name, em.sel(`${tau} > 0.0`, `Math.max(1.0, Math.ceil(${tau} / ${h0} - ${slack}))`, '0.0'));
}

/** fn default_step_of(norm) and fn leap_steps(tau, h0) in a dialect (WGSL declarations, JavaScript functions). */
export function stepFunctions(dialect: Dialect): string {
  return [
    scalarFunction(dialect, 'default_step_of', ['norm'], (em) => em.line(`return ${emitDefaultStep(em, 'h0', 'norm')};`)),
    scalarFunction(dialect, 'leap_steps', ['tau', 'h0'], (em) => em.line(`return ${emitLeapSteps(em, 'n', 'tau', 'h0')};`)),
  ].join('\n');
}

let f64: { defaultStepOf: (norm: number) => number; leapSteps: (tau: number, h0: number) => number } | undefined;

/** The float64 step plan (the cpu backend's leap integrator and the records' step). */
export function stepsF64(): NonNullable<typeof f64> {
  f64 ??= new Function(`'use strict';\n${stepFunctions('js64')}\nreturn { defaultStepOf: default_step_of, leapSteps: leap_steps };`)() as NonNullable<typeof f64>;
  return f64;
}
