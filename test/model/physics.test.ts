// Structural and physical checks of the float64 core, each against an independent construction.

import { describe, expect, it } from 'vitest';
import { type CMat, cadd, cdagger, cmul, ctrace, czeros } from '../../src/algebra/complex.js';
import { initialVector } from '../../src/model/evolve.js';
import { generator } from '../../src/model/generators.js';
import { applyLiouvillian, baths, liouvillianParts } from '../helpers/operatorForm.js';
import { systemHamiltonian, OPS } from '../helpers/hamiltonian.js';
import { jacobiEigh, matvec, type Mat, matmul, transpose } from '../../src/model/linalg.js';
import { type PointInput, resolvePoint, setParam } from '../../src/model/params.js';
import { PAULI_STRINGS, densityToVector, vectorToDensity } from '../../src/algebra/pauli.js';
import { evaluatePoint } from '../../src/model/point.js';
import { absorptionRate, complementOccupation, emissionRate, occupation, spectralDensity } from '../helpers/reservoir.js';
import { longTimeLimit } from '../../src/model/spectrum.js';
import { referenceCases } from '../helpers/reference.js';
import { named } from '../helpers/named.js';

const point = (o: PointInput) => named(resolvePoint(o));
const sweepPoint = (o: PointInput, sets: Record<string, number>) =>
  named(resolvePoint(Object.entries(sets).reduce((acc, [k, v]) => setParam(acc, k, v), o)));

/** A deterministic pseudo-random Hermitian 4x4 matrix. */
function randomHermitian(seed: number): CMat {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const m = czeros(4);
  for (let i = 0; i < 4; i++) {
    m.re[i * 4 + i] = rnd();
    for (let j = i + 1; j < 4; j++) {
      const a = rnd();
      const b = rnd();
      m.re[i * 4 + j] = m.re[j * 4 + i] = a;
      m.im[i * 4 + j] = b;
      m.im[j * 4 + i] = -b;
    }
  }
  return m;
}

/** (1/4) Tr(P_i f(P_j)): the Pauli transfer matrix of any superoperator f. */
function transferMatrix(f: (rho: CMat) => CMat): Mat {
  const G = new Float64Array(256);
  for (let j = 0; j < 16; j++) {
    const img = f(PAULI_STRINGS[j]);
    for (let i = 0; i < 16; i++) G[i * 16 + j] = 0.25 * ctrace(cmul(PAULI_STRINGS[i], img)).re;
  }
  return G;
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (x, k) => Math.abs(x - b[k])));

const real = (m: Mat): CMat => ({ re: Float64Array.from(m), im: new Float64Array(16) });
const scale = (m: CMat, s: number): CMat => ({ re: m.re.map((x) => x * s), im: m.im.map((x) => x * s) });
const commutatorTerm = (H: Mat, rho: CMat): CMat => {
  const Hc = real(H);
  const c = cadd(cmul(Hc, rho), cmul(rho, Hc), -1);
  return { re: c.im.map((x) => x), im: c.re.map((x) => -x) }; // -i [H, rho]
};

const SAMPLE_POINTS: PointInput[] = [
  { reservoir: 'boson', Delta1: 0.65, Delta2: -0.65, F: 0.7, T1: 1.4, T2: 0.6 },
  { reservoir: 'boson', Delta1: -1.3, Delta2: 0.9, F: 1.6, T1: 0.3, T2: 2.1, alpha1: 0.15, alpha2: 0.05, omega_c: 3 },
  { reservoir: 'fermion', Delta1: 1.45, Delta2: -1.45, F: 0.9, mu1: -4, mu2: -3, T1: 1, T2: 0.5 },
  { reservoir: 'fermion', Delta1: 0.2, Delta2: 0.4, F: 0.3, mu1: 2, mu2: 6, T1: 0, T2: 1.5 },
  { reservoir: 'boson', Delta1: 0, Delta2: 0, F: 0.5, T1: 1.3, T2: 0.7 },
];

describe('generators preserve trace and Hermiticity', () => {
  for (const model of ['redfield', 'bloch-redfield', 'lindblad'] as const) {
    SAMPLE_POINTS.forEach((pt, k) => {
      it(`${model}, point ${k}`, () => {
        const p = point({ ...pt, model });
        const { G } = generator(p);
        const parts = liouvillianParts(p);
        // the generated generator equals the hand-written operator form
        expect(maxAbs(G, transferMatrix((r) => applyLiouvillian(parts, r)))).toBeLessThan(1e-13);
        // row 00 of the real generator is zero: d r_00 / dt = 0
        expect(Math.max(...Array.from(G.subarray(0, 16), Math.abs))).toBe(0);
        for (let seed = 1; seed <= 3; seed++) {
          const rho = randomHermitian(seed + 17 * k);
          const out = applyLiouvillian(parts, rho);
          expect(Math.abs(ctrace(out).re)).toBeLessThan(1e-13);
          expect(Math.abs(ctrace(out).im)).toBeLessThan(1e-13);
          expect(maxAbs(out.re, cdagger(out).re)).toBeLessThan(1e-14);
          expect(maxAbs(out.im, cdagger(out).im)).toBeLessThan(1e-14);
          // the real 16x16 matrix acts on r exactly as L acts on rho
          const viaG = matvec(G, densityToVector(rho), 16);
          expect(maxAbs(viaG, densityToVector(out))).toBeLessThan(1e-12);
        }
      });
    });
  }
});

describe('Pauli vector', () => {
  it('round-trips rho -> r -> rho', () => {
    const rho = randomHermitian(5);
    const back = vectorToDensity(densityToVector(rho));
    expect(maxAbs(back.re, rho.re)).toBeLessThan(1e-15);
    expect(maxAbs(back.im, rho.im)).toBeLessThan(1e-15);
  });
  it('has r_00 = 1 for every initial state', () => {
    expect(initialVector(point({ initial_state: { psi_real: [1, 2, 3, 4], psi_imag: [0, -1, 0.5, 0] } }))[0]).toBeCloseTo(1, 15);
  });
});

describe('reservoir rates', () => {
  const boson = { kind: 'boson' as const, alpha: 0.1, omega_c: 5, T: 0.8, mu: 0, zeroFreq: 'limit' as const };
  const fermion = { kind: 'fermion' as const, alpha: 0.1, omega_c: 5, T: 0.8, mu: 1.5, zeroFreq: 'limit' as const };
  it('satisfy detailed balance (KMS): absorption / emission = exp(-(w - mu)/T)', () => {
    for (const w of [0.1, 0.7, 2.5, 6]) {
      expect(absorptionRate(boson, w) / emissionRate(boson, w)).toBeCloseTo(Math.exp(-w / boson.T), 12);
      expect(absorptionRate(fermion, w) / emissionRate(fermion, w)).toBeCloseTo(Math.exp(-(w - fermion.mu) / fermion.T), 12);
    }
  });
  it('have the w -> 0 boson limit alpha T and a stable fermion form for huge |w - mu|/T', () => {
    expect(absorptionRate(boson, 1e-9)).toBeCloseTo(boson.alpha * boson.T, 9);
    expect(absorptionRate(boson, 0)).toBe(boson.alpha * boson.T);
    expect(absorptionRate({ ...boson, zeroFreq: 'zero' }, 0)).toBe(0);
    expect(absorptionRate(fermion, 0)).toBe(0);
    const cold = { ...fermion, T: 1e-6 };
    expect(occupation(cold, 1.5 + 1)).toBe(0);
    expect(complementOccupation(cold, 1.5 - 1)).toBe(0);
    expect(Number.isFinite(spectralDensity(cold, 3) * occupation(cold, 3))).toBe(true);
  });
  it('take the T = 0 limits', () => {
    expect(occupation({ ...boson, T: 0 }, 1)).toBe(0);
    expect(occupation({ ...fermion, T: 0 }, 1)).toBe(1);
    expect(occupation({ ...fermion, T: 0 }, 2)).toBe(0);
  });
});

describe('resonant case equals the analytic Eqs. (15)-(17)', () => {
  const cases: PointInput[] = [
    { reservoir: 'boson', F: 0.5, T1: 1.4, T2: 0.6, alpha1: 0.12, alpha2: 0.07 },
    { reservoir: 'fermion', F: 1.3, T1: 1, T2: 2, mu1: 2.6, mu2: -1.4 },
    { reservoir: 'boson', F: 0.8, lambda: 1.7, T1: 1, T2: 1 },
  ];
  cases.forEach((c, k) => {
    it(`point ${k}`, () => {
      const p = point(c);
      const { G } = generator(p);
      const parts = liouvillianParts(p);
      const M = Math.hypot(p.F, p.lambda);
      const wp = (M + p.lambda) / 2;
      const wm = (M - p.lambda) / 2;
      // Eqs. (6)-(7): E = (w+, w-, -w-, -w+)
      expect(maxAbs(parts.energies, [wp, wm, -wm, -wp])).toBeLessThan(1e-13);
      const V = parts.eigenvectors;
      const ket = (i: number) => [0, 1, 2, 3].map((r) => V[r * 4 + i]);
      const chi = (op: Mat) => matmul(transpose(V, 4), matmul(op, V, 4), 4);
      const chi1 = chi(OPS.sx1);
      const chi2 = chi(OPS.sx2);
      // Eqs. (11)-(12): only 1<->3 and 2<->4 transitions, weight lambda/M, with the paper's relative signs
      const sA = Math.sign(chi1[2 * 4 + 0]);
      const sB = Math.sign(chi2[3 * 4 + 1]);
      expect(chi1[2 * 4 + 0] * sA).toBeCloseTo(p.lambda / M, 13);
      expect(chi2[2 * 4 + 0] * sA).toBeCloseTo(p.lambda / M, 13);
      expect(chi2[3 * 4 + 1] * sB).toBeCloseTo(p.lambda / M, 13);
      expect(chi1[3 * 4 + 1] * sB).toBeCloseTo(-p.lambda / M, 13);
      for (const [i, j] of [[1, 0], [3, 2], [3, 0], [2, 1]]) {
        expect(Math.abs(chi1[i * 4 + j])).toBeLessThan(1e-13);
        expect(Math.abs(chi2[i * 4 + j])).toBeLessThan(1e-13);
      }
      // tau_ij = |E_i><E_j| in the computational basis, signs fixed as above
      const tau = (i: number, j: number, s = 1): CMat => {
        const a = ket(i);
        const b = ket(j);
        const m = czeros(4);
        for (let r = 0; r < 4; r++) for (let q = 0; q < 4; q++) m.re[r * 4 + q] = s * a[r] * b[q];
        return m;
      };
      const [b1, b2] = baths(p);
      const w2 = (p.lambda / M) ** 2;
      const g = [w2 * absorptionRate(b1, M), w2 * absorptionRate(b2, M)]; // gamma_i, Eq. (17)
      const G_ = [w2 * emissionRate(b1, M), w2 * emissionRate(b2, M)]; // Gamma_i
      const t31 = tau(2, 0, sA);
      const t13 = tau(0, 2, sA);
      const t42 = tau(3, 1, sB);
      const t24 = tau(1, 3, sB);
      const p12 = cadd(tau(0, 0), tau(1, 1));
      const p34 = cadd(tau(2, 2), tau(3, 3));
      const sandwich = (a: CMat, rho: CMat, b: CMat) => cmul(cmul(a, rho), b);
      const eq16 = (rho: CMat): CMat => {
        let d = scale(cadd(cadd(scale(cadd(sandwich(t31, rho, t13), sandwich(t42, rho, t24)), 2), cmul(p12, rho), -1), cmul(rho, p12), -1), G_[0] + G_[1]);
        d = cadd(d, scale(cadd(cadd(scale(cadd(sandwich(t13, rho, t31), sandwich(t24, rho, t42)), 2), cmul(p34, rho), -1), cmul(rho, p34), -1), g[0] + g[1]));
        d = cadd(d, scale(cadd(sandwich(t13, rho, t42), sandwich(t24, rho, t31)), -2 * (g[0] - g[1])));
        d = cadd(d, scale(cadd(sandwich(t31, rho, t24), sandwich(t42, rho, t13)), -2 * (G_[0] - G_[1])));
        return cadd(commutatorTerm(systemHamiltonian(p), rho), d);
      };
      expect(maxAbs(transferMatrix(eq16), G)).toBeLessThan(1e-13);
    });
  });
});

describe('redfield equals the paper\'s literal Eqs. (20)-(24) away from resonance', () => {
  SAMPLE_POINTS.slice(0, 4).forEach((pt, k) => {
    it(`point ${k}`, () => {
      const p = point(pt);
      const { G } = generator(p);
      const parts = liouvillianParts(p);
      const V = parts.eigenvectors;
      const E = parts.energies;
      const chis = [OPS.sx1, OPS.sx2].map((op) => matmul(transpose(V, 4), matmul(op, V, 4), 4));
      const tau = (i: number, j: number): CMat => {
        const m = czeros(4);
        for (let r = 0; r < 4; r++) for (let q = 0; q < 4; q++) m.re[r * 4 + q] = V[r * 4 + i] * V[q * 4 + j];
        return m;
      };
      const bs = baths(p);
      const L = (rho: CMat): CMat => {
        let acc = commutatorTerm(systemHamiltonian(p), rho);
        for (let a = 0; a < 2; a++) {
          const chi = (i: number, j: number) => chis[a][i * 4 + j];
          for (let i = 0; i < 4; i++)
            for (let j = i + 1; j < 4; j++)
              for (let m = 0; m < 4; m++)
                for (let n = m + 1; n < 4; n++) {
                  const eps = E[m] - E[n];
                  const Ncal = emissionRate(bs[a], eps);
                  const N = absorptionRate(bs[a], eps);
                  const Gt = cadd(
                    scale(cadd(cmul(cmul(tau(j, i), rho), tau(m, n)), cmul(cmul(rho, tau(m, n)), tau(j, i)), -1), chi(j, i) * chi(m, n)),
                    scale(cadd(cmul(cmul(tau(n, m), rho), tau(i, j)), cmul(cmul(tau(i, j), tau(n, m)), rho), -1), chi(i, j) * chi(n, m)),
                  );
                  const Ht = cadd(
                    scale(cadd(cmul(cmul(tau(i, j), rho), tau(n, m)), cmul(cmul(rho, tau(n, m)), tau(i, j)), -1), chi(i, j) * chi(n, m)),
                    scale(cadd(cmul(cmul(tau(m, n), rho), tau(j, i)), cmul(cmul(tau(j, i), tau(m, n)), rho), -1), chi(j, i) * chi(m, n)),
                  );
                  acc = cadd(cadd(acc, scale(Gt, Ncal)), scale(Ht, N));
                }
        }
        return acc;
      };
      expect(maxAbs(transferMatrix(L), G)).toBeLessThan(1e-13);
    });
  });
});

describe('bloch-redfield equals the QuTiP Bloch-Redfield tensor (use_secular=False)', () => {
  // R_abcd = -1/2 [d_bd sum_n A_an A_nc S(w_cn) - A_ac A_db S(w_ca) + d_ac sum_n A_dn A_nb S(w_dn) - A_ac A_db S(w_db)]
  // with S(w) = 2 J(|w|) [Ncal if w > 0, N if w < 0], S(0) = 0, in the eigenbasis of H, for the
  // coupling operator S = L + L^T of MODEL.md (sx without its diagonal in the eigenbasis).
  SAMPLE_POINTS.slice(0, 4).forEach((pt, k) => {
    it(`point ${k}`, () => {
      const p = point({ ...pt, model: 'bloch-redfield' });
      const { G } = generator(p);
      const parts = liouvillianParts(p);
      const V = parts.eigenvectors;
      const E = parts.energies;
      const bs = baths(p);
      const L = (rhoComp: CMat): CMat => {
        const Vc = real(V);
        const Vt = real(transpose(V, 4));
        const rho = cmul(cmul(Vt, rhoComp), Vc); // to the eigenbasis
        const out = czeros(4);
        for (let a = 0; a < 2; a++) {
          const A = matmul(transpose(V, 4), matmul(a === 0 ? OPS.sx1 : OPS.sx2, V, 4), 4);
          for (let i = 0; i < 4; i++) A[i * 5] = 0;
          const S = (w: number) => (w > 0 ? 2 * emissionRate(bs[a], w) : w < 0 ? 2 * absorptionRate(bs[a], -w) : 0);
          for (let x = 0; x < 4; x++)
            for (let b = 0; b < 4; b++)
              for (let c = 0; c < 4; c++)
                for (let d = 0; d < 4; d++) {
                  let R = 0;
                  if (b === d) for (let n = 0; n < 4; n++) R += A[x * 4 + n] * A[n * 4 + c] * S(E[c] - E[n]);
                  R -= A[x * 4 + c] * A[d * 4 + b] * S(E[c] - E[x]);
                  if (x === c) for (let n = 0; n < 4; n++) R += A[d * 4 + n] * A[n * 4 + b] * S(E[d] - E[n]);
                  R -= A[x * 4 + c] * A[d * 4 + b] * S(E[d] - E[b]);
                  out.re[x * 4 + b] += -0.5 * R * rho.re[c * 4 + d];
                  out.im[x * 4 + b] += -0.5 * R * rho.im[c * 4 + d];
                }
        }
        const back = cmul(cmul(Vc, out), Vt);
        return cadd(commutatorTerm(systemHamiltonian(p), rhoComp), back);
      };
      expect(maxAbs(transferMatrix(L), G)).toBeLessThan(1e-13);
    });
  });

  it('differs from redfield in the steady-state efficiency by at most ~1.4e-4 on the public cases (MODEL.md)', () => {
    let worst = 0;
    for (const c of referenceCases.filter((c) => c.inputs.model === 'redfield')) {
      const rf = evaluatePoint(point(c.inputs as PointInput));
      const br = evaluatePoint(point({ ...(c.inputs as PointInput), model: 'bloch-redfield' }));
      worst = Math.max(worst, Math.abs(rf.steady.efficiency - br.steady.efficiency));
    }
    expect(worst).toBeGreaterThan(1e-6); // the non-secular terms matter out of equilibrium
    expect(worst).toBeLessThan(1.4e-4);
  });
  it('equals redfield in equilibrium (both relax to the Gibbs state)', () => {
    const p = { Delta1: 1.1, Delta2: -0.9, F: 0.6, T1: 0.8, T2: 0.8 };
    const rf = evaluatePoint(point(p));
    const br = evaluatePoint(point({ ...p, model: 'bloch-redfield' }));
    expect(Math.abs(rf.steady.efficiency - br.steady.efficiency)).toBeLessThan(1e-13);
  });
});

describe('equilibrium boson redfield steady state is the rotating-frame Gibbs state', () => {
  const cases = [
    { Delta: 0.7, F: 0.3, T: 0.5, Delta_bar: 0 },
    { Delta: -1.9, F: 1.2, T: 2, Delta_bar: 0 },
    { Delta: 2.5, F: 0.8, T: 1, Delta_bar: 0.4 },
    { Delta: 0.3, F: 1.7, T: 0.15, Delta_bar: -0.6 },
  ];
  for (const c of cases) {
    it(JSON.stringify(c), () => {
      const p = sweepPoint({ F: c.F }, { Delta: c.Delta, Delta_bar: c.Delta_bar, T: c.T });
      const { G } = generator(p);
      const ss = longTimeLimit(G, initialVector(p));
      expect(ss.kernelDim).toBe(1);
      const { values, vectors } = jacobiEigh(systemHamiltonian(p), 4);
      const w = Array.from(values, (e) => Math.exp(-(e - values[0]) / c.T));
      const Z = w.reduce((a, b) => a + b, 0);
      const gibbs = czeros(4);
      for (let k = 0; k < 4; k++) for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) gibbs.re[i * 4 + j] += (w[k] / Z) * vectors[i * 4 + k] * vectors[j * 4 + k];
      expect(maxAbs(ss.r, densityToVector(gibbs))).toBeLessThan(1e-12);
    });
  }
});

describe("the paper's claims (MODEL.md table)", () => {
  const resonant = { F: 0.5, T1: 1, T2: 1 };
  it('resonant redfield: product states and (|eg> +- i|ge>)/sqrt2 give P = 0', () => {
    for (const label of ['eg', 'ge', 'ee', 'gg']) {
      expect(evaluatePoint(point({ ...resonant, initial_state: { label } })).steady.efficiency).toBeLessThan(1e-12);
    }
    for (const phi of [Math.PI / 2, -Math.PI / 2]) {
      expect(evaluatePoint(point({ ...resonant, initial_state: { theta: Math.PI / 4, phi } })).steady.efficiency).toBeLessThan(1e-12);
    }
  });
  it('resonant redfield: (|eg> +- |ge>)/sqrt2 gives P = 0.2268, and 0.2268 |sin 2theta cos phi| in general', () => {
    const plus = evaluatePoint(point({ ...resonant, initial_state: { label: 'plus' } }));
    const minus = evaluatePoint(point({ ...resonant, initial_state: { label: 'minus' } }));
    expect(plus.steady.efficiency).toBeCloseTo(0.2268, 4);
    expect(minus.steady.efficiency).toBeCloseTo(0.2268, 4);
    expect(plus.efficiency).toBeCloseTo(plus.steady.efficiency, 10); // tau = 20000 is stationary here
    for (const [theta, phi] of [[0.3, 0.4], [1, 2], [2.2, -0.7]]) {
      const r = evaluatePoint(point({ ...resonant, initial_state: { theta, phi } }));
      expect(r.steady.efficiency).toBeCloseTo(plus.steady.efficiency * Math.abs(Math.sin(2 * theta) * Math.cos(phi)), 10);
    }
  });
  it('the gap closes at Delta = 0 as -0.051 Delta^2 (boson) and -0.029 Delta^2 (fermion, mubar = 2)', () => {
    expect(Math.abs(evaluatePoint(point(resonant)).liouvillian_gap)).toBeLessThan(1e-12);
    const d = 0.05;
    const boson = evaluatePoint(sweepPoint({ F: 0.5 }, { Delta: d })).liouvillian_gap / d ** 2;
    const fermion = evaluatePoint(sweepPoint({ F: 0.5, reservoir: 'fermion' }, { Delta: d, mu: 2 })).liouvillian_gap / d ** 2;
    expect(boson).toBeCloseTo(-0.051, 3);
    expect(fermion).toBeCloseTo(-0.029, 3);
  });
  it('Fig. 9 corner (Delta = 4, dT = 1, Tbar = 1) reaches 0.934 (> 0.93), 0.945 for dT >= 1.5', () => {
    const p = evaluatePoint(sweepPoint({ F: 0.5 }, { Delta: 4, Tbar: 1, dT: 1 })).efficiency;
    expect(p).toBeGreaterThan(0.93);
    expect(p).toBeCloseTo(0.934, 3);
    expect(evaluatePoint(sweepPoint({ F: 0.5 }, { Delta: 4, Tbar: 1, dT: 1.5 })).efficiency).toBeCloseTo(0.945, 3);
  });
  it("Eq. (4) (lindblad, rates at lambda) does not give the paper's 0.94: 0.0185", () => {
    const r = evaluatePoint(point({ ...resonant, model: 'lindblad', initial_state: { label: 'plus' } }));
    expect(r.steady.efficiency).toBeCloseTo(0.0185, 4);
    expect(r.steady.kernel_dim).toBe(1);
  });
});

describe('degenerate level crossings are flagged, not given arbitrary numbers', () => {
  it('F = 0, D1 = D2 = 1 (a crossing with chi != 0)', () => {
    const r = evaluatePoint(point({ F: 0, Delta1: 1, Delta2: 1 }));
    expect(r.flags).toContain('degenerate');
    expect(Number.isNaN(r.efficiency)).toBe(true);
  });
  it('F = 0 with Delta_bar = 0 is a harmless degeneracy', () => {
    const r = evaluatePoint(point({ F: 0, Delta1: 0.5, Delta2: -0.5 }));
    expect(r.flags).not.toContain('degenerate');
    expect(Number.isFinite(r.efficiency)).toBe(true);
  });
  it('lindblad never is', () => {
    expect(evaluatePoint(point({ F: 0, Delta1: 1, Delta2: 1, model: 'lindblad' })).flags).not.toContain('degenerate');
  });
});

describe('finite tau', () => {
  it('flags points whose slowest mode has not decayed by tau', () => {
    const slow = evaluatePoint(sweepPoint({ F: 0.5 }, { Delta: 0.05 }));
    expect(slow.flags).toContain('not-stationary-at-tau');
    expect(Math.abs(slow.efficiency - slow.steady.efficiency)).toBeGreaterThan(1e-4);
    const fast = evaluatePoint(sweepPoint({ F: 0.5 }, { Delta: 2 }));
    expect(fast.flags).not.toContain('not-stationary-at-tau');
  });
  it('the cpu leap (Taylor-8 map) and rk4 integrators follow the exact exponential', () => {
    const p = sweepPoint({ F: 0.5, tau: 30 }, { Delta: 1.1 });
    const exact = evaluatePoint(p);
    const leap = evaluatePoint(p, { integrator: 'leap', dt: 0.2 });
    const rk4 = evaluatePoint(p, { integrator: 'rk4', dt: 0.05 });
    expect(Math.abs(leap.efficiency - exact.efficiency)).toBeLessThan(1e-9);
    expect(Math.abs(rk4.efficiency - exact.efficiency)).toBeLessThan(1e-7);
    expect(Math.abs(rk4.efficiency - exact.efficiency)).toBeGreaterThan(1e-12); // RK4 truncation is real
  });
  it('leap keeps the phase of slow oscillations that RK4 at h = 0.2 loses (resonant fermion line)', () => {
    // eigenvalues -3e-5 +- 1.00i: the state at tau = 20000 still oscillates
    const p = point({ reservoir: 'fermion', mu1: -6, mu2: -6, F: 2 });
    const exact = evaluatePoint(p);
    expect(Math.abs(evaluatePoint(p, { integrator: 'leap', dt: 0.2 }).efficiency - exact.efficiency)).toBeLessThan(1e-6);
    expect(Math.abs(evaluatePoint(p, { integrator: 'rk4', dt: 0.2 }).efficiency - exact.efficiency)).toBeGreaterThan(1e-2);
  });
});

// keep the helpers honest too
it('the transfer-matrix helper reproduces the generator from applyLiouvillian', () => {
  const p = point(SAMPLE_POINTS[0]);
  const parts = liouvillianParts(p);
  expect(maxAbs(transferMatrix((r) => applyLiouvillian(parts, r)), generator(p).G)).toBeLessThan(1e-15);
});
