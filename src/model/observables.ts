// Battery observables (MODEL.md "Observables") from the Pauli vector r, and the Wootters concurrence.

import { sideOf } from '../core/dimension.js';
import { auxLayout, observablesF64, thermodynamicsF64 } from '../compiler/targets.js';
import { type SystemDefinition, isTwoQubitDefault } from '../system/definition.js';
import { batteryFigures } from './battery.js';
import { STATE_OBSERVABLES } from '../core/outputs.js';
import { generator } from './generators.js';
import type { PointParams } from './params.js';
import type { CMat } from '../algebra/complex.js';
import { vectorToDensity } from '../algebra/pauli.js';

export interface BatteryObservables {
  E_B_over_omega: number;
  ergotropy_over_omega: number;
  efficiency: number;
  /** E_B = 0: the ratio is 0/0, reported as efficiency 0 */
  zeroEnergy: boolean;
}

/**
 * z = <sz2> = r_0z and |<s-2>|^2 = (r_0x^2 + r_0y^2)/4, so |r| = sqrt(z^2 + 4|s|^2) is the
 * battery's Bloch vector length: E_B/w = (1+z)/2, ergotropy/w = (|r|+z)/2, P = (|r|+z)/(1+z).
 * Emitted by src/compiler/observables.ts, the definition every backend runs.
 */
export function batteryObservables(r: ArrayLike<number>): BatteryObservables {
  const [efficiency, E, erg, zero] = observablesF64().battery(r);
  return { E_B_over_omega: E, ergotropy_over_omega: erg, efficiency, zeroEnergy: zero > 0.5 };
}

/** The state observables beyond energy and ergotropy (src/compiler/observables.ts). */
export type StateObservables = Record<(typeof STATE_OBSERVABLES)[number][1], number>;

/** The state observables by their `point --json` keys (src/core/outputs.ts STATE_OBSERVABLES). */
export function stateObservables(r: ArrayLike<number>): StateObservables {
  const v = observablesF64().state(r);
  return Object.fromEntries(STATE_OBSERVABLES.map(([, key], k) => [key, v[k]])) as StateObservables;
}

/**
 * The battery's figures and the state observables of a state r of a system: the emitted
 * two-qubit formulas (the GPU kernels' own) for two qubits with the default battery, else
 * model/battery.ts batteryFigures of the declared battery (any n; E_B resolved to r's precision:
 * a GPU's float32 state); NaN for a state of no numbers.
 */
export function systemFigures(sys: SystemDefinition, r: ArrayLike<number>, precision: 'f64' | 'f32' = 'f64'): BatteryObservables & StateObservables {
  if (isTwoQubitDefault(sys)) return { ...batteryObservables(r), ...stateObservables(r) };
  if (!Array.prototype.every.call(r, Number.isFinite)) {
    const nan = Object.fromEntries(['E_B_over_omega', 'ergotropy_over_omega', 'efficiency', ...STATE_OBSERVABLES.map(([, key]) => key)].map((k) => [k, Number.NaN]));
    return { ...nan, zeroEnergy: false } as BatteryObservables & StateObservables;
  }
  return batteryFigures(r, sys.battery, precision);
}

/** The battery's energy, ergotropy and efficiency of a state r of a system (systemFigures without the state observables for two qubits). */
export function systemBattery(sys: SystemDefinition, r: ArrayLike<number>, precision: 'f64' | 'f32' = 'f64'): BatteryObservables {
  return isTwoQubitDefault(sys) ? batteryObservables(r) : systemFigures(sys, r, precision);
}

/** The state observables of a state's figures, in the order of STATE_OBSERVABLES (the order `point --json` lists them). */
export function stateObservablesOf(f: StateObservables): StateObservables {
  return Object.fromEntries(STATE_OBSERVABLES.map(([, key]) => [key, f[key]])) as StateObservables;
}

/** (X(t) - X(0)) / t for the battery's energy and ergotropy (per omega; 0 at t = 0); of the system's battery (default: two qubits, the last one). */
export function averagePowers(r: ArrayLike<number>, r0: ArrayLike<number>, t: number, sys?: SystemDefinition): { average_power: number; average_ergotropic_power: number } {
  return powersBetween(sys ? systemFigures(sys, r) : batteryObservables(r), sys ? systemFigures(sys, r0) : batteryObservables(r0), t);
}

type EnergyAndErgotropy = Pick<BatteryObservables, 'E_B_over_omega' | 'ergotropy_over_omega'>;

/** averagePowers from the battery's figures at t (b) and at 0 (b0), where the caller has them already. */
export function powersBetween(b: EnergyAndErgotropy, b0: EnergyAndErgotropy, t: number): { average_power: number; average_ergotropic_power: number } {
  const power = observablesF64().averagePower;
  return { average_power: power(b.E_B_over_omega, b0.E_B_over_omega, t), average_ergotropic_power: power(b.ergotropy_over_omega, b0.ergotropy_over_omega, t) };
}

/** sum_k 1/|T_k| over the point's reservoirs: how much the entropy production -sum_k J_k/T_k amplifies an error of the currents. */
export function inverseTemperatureSum(p: PointParams): number {
  const { aux } = generator(p);
  const T = auxLayout(p.system.stateDim).T;
  let s = 0;
  for (let k = 0; k < p.system.reservoirs.length; k++) s += 1 / Math.abs(aux[T + k]);
  return s;
}

export interface Thermodynamics {
  /** energy current from each reservoir into the system (rotating frame) */
  heat: number[];
  /** excitation-number current from each reservoir */
  particles: number[];
  entropy_production: number;
  firstLawViolated: boolean;
  secondLawViolated: boolean;
}

/** Currents of the long-time state r for `reservoirs` reservoirs, from the generator's aux; the laws checked at the tolerances of r's precision. */
export function thermodynamics(aux: ArrayLike<number>, r: ArrayLike<number>, reservoirs: number, precision: 'f64' | 'f32' = 'f64'): Thermodynamics {
  const t = thermodynamicsF64(r.length, precision)(aux, r);
  return { heat: t.slice(0, reservoirs), particles: t.slice(4, 4 + reservoirs), entropy_production: t[8], firstLawViolated: t[9] > 0.5, secondLawViolated: t[10] > 0.5 };
}

/** Wootters concurrence of the two-qubit state with Pauli vector r (src/compiler/observables.ts); NaN for a state of another size. */
export function concurrenceOf(r: ArrayLike<number>): number {
  return r.length === 16 ? observablesF64().concurrence(r) : Number.NaN;
}

/** rho as nested 2^n x 2^n real and imaginary arrays (Hermitian by construction from r). */
export function densityMatrices(r: ArrayLike<number>): { rho_real: number[][]; rho_imag: number[][]; rho: CMat } {
  const rho = vectorToDensity(r);
  const side = sideOf(rho.re);
  const rows = (a: Float64Array) => Array.from({ length: side }, (_, i) => Array.from(a.subarray(i * side, i * side + side)));
  return { rho_real: rows(rho.re), rho_imag: rows(rho.im), rho };
}
