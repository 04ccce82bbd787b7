// Observables of the Pauli vector r, written once as emitted code (float64 JS, WGSL, gpu.js):
// the battery's energy, ergotropy and efficiency (MODEL.md "Observables"), the Wootters
// concurrence and the negativity of the two-qubit state.

import { PRECISION_OBSERVABLES } from '../core/constants.js';
import { PAULI_STRINGS } from '../algebra/pauli.js';
import { type Emitter, type Expr, ZERO, identity, isZero, lit, mul, neg, sub, sum } from './emitter.js';
import { type Herm, hEntry, jacobi } from './linalg.js';

export interface BatteryCode {
  efficiency: Expr;
  energy: Expr;
  ergotropy: Expr;
  /** 1.0 where E_B = 0 (the efficiency 0/0 is reported as 0) */
  zeroEnergy: Expr;
}

/**
 * Battery = qubit 2, Bloch vector (r_0x, r_0y, r_0z), z = r_0z: E_B/omega = (1 + z)/2,
 * ergotropy/omega = (|r_B| + z)/2, efficiency = ergotropy / E_B.
 */
export function emitBattery(em: Emitter, name: string, r: Expr[]): BatteryCode {
  const z = r[3];
  const energy = em.value(`${name}E`, `0.5 * (1.0 + ${z})`);
  const ergotropy = em.value(`${name}G`, `0.5 * (Math.sqrt(${r[1]} * ${r[1]} + ${r[2]} * ${r[2]} + ${z} * ${z}) + ${z})`);
  // E_B at or below what the arithmetic resolves (float32: (1 + z)/2 near z = -1 carries ~1e-7 of
  // rounding): the ratio W / E_B means nothing there, reported as 0 and flagged zero-energy
  const resolved = `${energy} > ${lit(PRECISION_OBSERVABLES[em.precision].energyResolution)}`;
  const zeroEnergy = em.value(`${name}Z`, em.sel(resolved, ZERO, '1.0'));
  const efficiency = em.value(`${name}P`, em.sel(resolved, `${ergotropy} / ${energy}`, ZERO));
  return { efficiency, energy, ergotropy, zeroEnergy };
}

/** An average charging power (X(t) - X(0)) / t of an energy or ergotropy X, in omega lambda; 0 at t = 0. */
export function emitAveragePower(em: Emitter, name: string, x: Expr, x0: Expr, t: Expr): Expr {
  return em.value(name, em.sel(`${t} > 0.0`, `(${x} - ${x0}) / ${t}`, ZERO));
}

/** rho = (1/4) sum_i r_i P_i: the upper triangle (diagonal, Re and Im above it). */
export function emitDensity(em: Emitter, name: string, r: Expr[]): Herm {
  const entry = (part: 're' | 'im', k: number) => {
    const terms: Expr[] = [];
    PAULI_STRINGS.forEach((p, i) => {
      const c = p[part][k];
      if (c !== 0) terms.push(c < 0 ? neg(r[i]) : r[i]);
    });
    return isZero(sum(terms)) ? ZERO : em.value(`${name}${part}${k}`, `0.25 * ${sum(terms)}`);
  };
  const tri = (part: 're' | 'im') => identity(4).map((_, k) => (Math.floor(k / 4) < k % 4 ? entry(part, k) : ZERO));
  return { d: [0, 1, 2, 3].map((i) => entry('re', i * 5)), re: tri('re'), im: tri('im') };
}

type C = [Expr, Expr];
const cmul = (a: C, b: C): C => [sub(mul(a[0], b[0]), mul(a[1], b[1])), sum([mul(a[0], b[1]), mul(a[1], b[0])])];
const conj = (a: C): C => [a[0], neg(a[1])];
const csum = (xs: C[]): C => [sum(xs.map((x) => x[0])), sum(xs.map((x) => x[1]))];

/** sigma_y (x) sigma_y = antidiag(-1, 1, 1, -1): (Y rho* Y)_ab = y_a y_b conj(rho_{3-a, 3-b}). */
const Y_SIGN = [-1, 1, 1, -1];

/**
 * Wootters: C = max(0, l1 - l2 - l3 - l4), l_i^2 the eigenvalues of rho rho~. With rho = M M^H
 * (M = V sqrt(Lambda) from rho's eigen-decomposition), rho rho~ is similar to the Hermitian
 * M^H rho~ M: two Hermitian eigen-solves (the first with vectors).
 */
export function emitConcurrence(em: Emitter, r: Expr[]): Expr {
  const rho = emitDensity(em, 'rho', r);
  return em.value('conc', concurrenceCore(em, 'cc', rho, true));
}

function concurrenceCore(em: Emitter, n: string, rho: Herm, complex: boolean): Expr {
  const re = (x: C): C => (complex ? x : [x[0], ZERO]);
  // rho = M M^H with M = V diag(sqrt(max(lambda, 0))) from rho's eigen-decomposition: no division,
  // so nearly rank-deficient states (pure ones, short times) stay accurate in float32, where a
  // Cholesky factor divided by pivots that rounding had made meaningless (float32 errors up to 0.2)
  const eig = jacobi(em, `${n}e`, { d: rho.d, re: rho.re, im: complex ? rho.im : undefined }, true);
  const root = eig.values.map((x, i) => em.value(`${n}s${i}`, `Math.sqrt(Math.max(${x}, 0.0))`));
  const L: C[] = Array.from({ length: 16 }, (_, k) => {
    const [i, j] = [Math.floor(k / 4), k % 4];
    return [em.value(`${n}l${i}${j}r`, mul(eig.vre![k], root[j])), complex ? em.value(`${n}l${i}${j}i`, mul(eig.vim![k], root[j])) : ZERO] as C;
  });
  const flipped = (a: number, b: number): C => {
    const [x, y] = re(hEntry(rho, 3 - a, 3 - b));
    return Y_SIGN[a] * Y_SIGN[b] > 0 ? [x, neg(y)] : [neg(x), y];
  };
  // F M, then M^H (F M): the upper triangle of a Hermitian matrix with the eigenvalues of rho rho~
  const FL: C[] = [];
  for (let a = 0; a < 4; a++) {
    for (let b = 0; b < 4; b++) {
      const [x, y] = csum([0, 1, 2, 3].map((k) => cmul(flipped(a, k), L[k * 4 + b])));
      FL.push([em.value(`${n}f${a}${b}r`, x), complex ? em.value(`${n}f${a}${b}i`, y) : ZERO]);
    }
  }
  const m: Herm = { d: [], re: identity(4).map(() => ZERO), im: complex ? identity(4).map(() => ZERO) : undefined };
  for (let a = 0; a < 4; a++) {
    for (let b = a; b < 4; b++) {
      const [x, y] = csum([0, 1, 2, 3].map((k) => cmul(conj(L[k * 4 + a]), FL[k * 4 + b])));
      if (a === b) m.d.push(em.value(`${n}md${a}`, x));
      else {
        m.re[a * 4 + b] = em.value(`${n}mr${a}${b}`, x);
        if (complex) m.im![a * 4 + b] = em.value(`${n}mi${a}${b}`, y);
      }
    }
  }
  const l = jacobi(em, `${n}j`, m, false).values.map((x, i) => em.value(`${n}l${i}`, `Math.sqrt(Math.max(${x}, 0.0))`));
  const lmax = em.value(`${n}lmax`, `Math.max(Math.max(${l[0]}, ${l[1]}), Math.max(${l[2]}, ${l[3]}))`);
  return `Math.max(0.0, 2.0 * ${lmax} - (${l.join(' + ')}))`;
}

export interface StateCode {
  /** ergotropy of the battery dephased in its energy basis, max(z, 0) */
  incoherent: Expr;
  /** total minus incoherent ergotropy */
  coherent: Expr;
  /** |r_B|: the spread of energies over the battery state's unitary orbit (omega = 1) */
  capacity: Expr;
  purity: Expr;
  /** von Neumann entropy of the battery, in nats */
  entropy: Expr;
  /** smallest eigenvalue of the two-qubit rho (negative: the master equation left the physical states) */
  rhoMin: Expr;
  /** negativity of the battery against the charger: the sum of |negative eigenvalues| of rho^(T_B) */
  negativity: Expr;
}

/** The battery's coherent/incoherent ergotropy, capacity, purity, entropy, rho's smallest eigenvalue and the negativity. */
export function emitStateObservables(em: Emitter, name: string, r: Expr[], ergotropy: Expr): StateCode {
  const z = r[3];
  const capacity = em.value(`${name}cap`, `Math.sqrt(${r[1]} * ${r[1]} + ${r[2]} * ${r[2]} + ${z} * ${z})`);
  const incoherent = em.value(`${name}inc`, `Math.max(${z}, 0.0)`);
  const coherent = em.value(`${name}coh`, `${ergotropy} - ${incoherent}`);
  const purity = em.value(`${name}pur`, `0.5 * (1.0 + ${capacity} * ${capacity})`);
  // eigenvalues (1 +- |r|)/2; 0 ln 0 = 0
  const p = em.value(`${name}pp`, `Math.min(Math.max(0.5 * (1.0 + ${capacity}), 0.0), 1.0)`);
  const q = em.value(`${name}pq`, `Math.min(Math.max(0.5 * (1.0 - ${capacity}), 0.0), 1.0)`);
  const entropy = em.value(`${name}ent`, `-(${em.sel(`${p} > 0.0`, `${p} * Math.log(Math.max(${p}, 1e-30))`, ZERO)} + ${em.sel(`${q} > 0.0`, `${q} * Math.log(Math.max(${q}, 1e-30))`, ZERO)})`);
  const eig = jacobi(em, `${name}rj`, emitDensity(em, `${name}rho`, r), false).values;
  const rhoMin = em.value(`${name}rmin`, `Math.min(Math.min(${eig[0]}, ${eig[1]}), Math.min(${eig[2]}, ${eig[3]}))`);
  // transposing the battery (qubit 2, the second letter: component 4 a1 + a2) flips the sign of its sigma_y components
  const transposed = r.map((x, i) => (i % 4 === 2 ? neg(x) : x));
  const pt = jacobi(em, `${name}nj`, emitDensity(em, `${name}pt`, transposed), false).values;
  // sum of |negative eigenvalues| = (||rho^T_B||_1 - 1)/2 for Tr rho = 1, without the 1 - 1 cancellation
  const negativity = em.value(`${name}neg`, sum(pt.map((x) => `Math.max(${neg(x)}, 0.0)`)));
  return { incoherent, coherent, capacity, purity, entropy, rhoMin, negativity };
}

export interface ThermoCode {
  /** energy current from each reservoir into the system */
  heat: Expr[];
  /** excitation-number current from each reservoir */
  particles: Expr[];
  /** -sum_k (J_k - mu_k N_k) / T_k (fermions; bosons have mu = 0 here) */
  entropyProduction: Expr;
  /** 1.0 where sum_k J_k differs from 0 beyond rounding */
  firstLaw: Expr;
  /** 1.0 where the entropy production is negative beyond rounding */
  secondLaw: Expr;
}

/**
 * Currents of the long-time state r: J_k = sum_a q_a r_a with the coefficients of D_k^+(H) and
 * D_k^+(N) (EmittedCurrents); the first and second law checked per point with per-precision
 * tolerances relative to the size of the currents. `fermion[k]` is 1.0 where the chemical
 * potential enters.
 */
export function emitThermodynamics(em: Emitter, c: { heat: Expr[][]; particles: Expr[][]; T: Expr[]; mu: Expr[]; fermion: Expr[] }, r: Expr[]): ThermoCode {
  const tol = PRECISION_OBSERVABLES[em.precision];
  const dot = (q: Expr[]) => sum(q.map((x, a) => (a === 0 ? x : mul(x, r[a]))));
  const heat = c.heat.map((q, k) => em.value(`jh${k}`, dot(q)));
  const particles = c.particles.map((q, k) => em.value(`jn${k}`, dot(q)));
  // the size of the terms each current sums: at equilibrium the currents are what rounding leaves
  // of them, so the laws are checked beyond lawRounding times that size (and 1/T for the entropy)
  const terms = (q: Expr[]) => sum(q.map((x, a) => `Math.abs(${a === 0 ? x : mul(x, r[a])})`));
  const heatTerms = c.heat.map((q, k) => em.value(`jt${k}`, terms(q)));
  const particleTerms = c.particles.map((q, k) => em.value(`nt${k}`, terms(q)));
  const size = em.value('jsize', `${sum(heat.map((j) => `Math.abs(${j})`))} + 1e-30`);
  const rounding = em.value('jround', `${lit(tol.lawRounding)} * (${sum(heatTerms)})`);
  const firstLaw = em.value('flaw1', em.sel(`Math.abs(${sum(heat)}) > ${lit(tol.lawRelative)} * ${size} + ${rounding} + ${lit(tol.lawAbsolute)}`, '1.0', ZERO));
  const flows = heat.map((j, k) => em.value(`sflow${k}`, `(${j} - ${c.fermion[k]} * ${c.mu[k]} * ${particles[k]}) / ${c.T[k]}`));
  const flowRounding = em.value('sround', `${lit(tol.lawRounding)} * (${sum(heat.map((_, k) => `(${heatTerms[k]} + Math.abs(${c.fermion[k]} * ${c.mu[k]}) * ${particleTerms[k]}) / Math.abs(${c.T[k]})`))})`);
  const entropyProduction = em.value('sigma', neg(sum(flows)));
  const flowSize = em.value('ssize', `${sum(flows.map((f) => `Math.abs(${f})`))} + 1e-30`);
  const secondLaw = em.value('flaw2', em.sel(`${entropyProduction} < -(${lit(tol.lawRelative)} * ${flowSize} + ${flowRounding} + ${lit(tol.lawAbsolute)})`, '1.0', ZERO));
  return { heat, particles, entropyProduction, firstLaw, secondLaw };
}
