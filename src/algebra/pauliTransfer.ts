// The Pauli transfer of a superoperator by index arithmetic alone: the sparse recipe the
// compiler emits the generator with (src/compiler/generator.ts pauliTransfer).
//
// For a term rho -> X rho Y + h.c. with real X, Y on n qubits (A = 2^n amplitudes):
// G_ij = 2^(1-n) Re Tr(P_i X P_j Y) (written below for n = 2, the factor 1/2), and with
// (P_i)[k][perm_i(k)] = phase_i(k):
//   Tr(P_i X P_j Y) = sum_{k,l} phase_i(k) phase_j(l) X[perm_i(k)][l] Y[perm_j(l)][k].
// phase_i(k) phase_j(l) is real when P_i and P_j have the same number of sigma_y's mod 2 and
// imaginary otherwise, so the dissipator (real X, Y) fills the same-parity entries and the
// Hamiltonian (-i[H, .], X = -iH, Y = 1) the mixed-parity ones:
//   same parity:  G_ij = (1/2) sum_{k,l} Re(phase_i(k) phase_j(l)) S[perm_i(k)][l][perm_j(l)][k],
//                 S[a][l][b][k] = sum_t X_t[a][l] Y_t[b][k]  (K counts as X = K, Y = 1)
//   mixed parity: G_ij = (1/2) Im sum_l phase_i(perm_j(l)) phase_j(l) H[perm_i(perm_j(l))][l]
// Complex X, Y, H (terms with an odd number of sigma_y's) add the other parity's parts, G_ij =
// (1/2) Re(c S) or (1/2) Im(c H) in general, with the same c: `imaginary` lists them,
//   same parity:  + (1/2) sum_l c_l Im H[...]      mixed parity:  - (1/2) sum Im(c) Im S[...]
// so G stays real (G_ij = 2^-n Tr(P_i L(P_j)) is real for every Hermiticity-preserving L).

import { pauliBasis } from './pauli.js';

export interface TransferTerm {
  i: number;
  j: number;
  /** entries of S (index ((a A + l) A + b) A + k) or of H (index a A + l), A = 2^n, each with a sign, times 1/2 */
  source: 'S' | 'H';
  entries: { index: number; sign: number }[];
  /** the entries of Im S (mixed parity) or Im H (same parity), with their signs, times 2^(1-n) */
  imaginary: { source: 'S' | 'H'; entries: { index: number; sign: number }[] };
}

function cmulPhase(a: [number, number], b: [number, number]): [number, number] {
  return [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
}

const recipes = new Map<number, readonly TransferTerm[]>();

/** The sparse recipe for every G_ij of an n-qubit system (row 0 excluded: it is zero by construction). */
export function transferTerms(qubits: number): readonly TransferTerm[] {
  const known = recipes.get(qubits);
  if (known) return known;
  const { permutations, parity } = pauliBasis(qubits);
  const A = 2 ** qubits;
  const phase = (i: number, k: number): [number, number] => [permutations[i].phaseRe[k], permutations[i].phaseIm[k]];
  const terms: TransferTerm[] = [];
  for (let i = 1; i < permutations.length; i++) {
    const pi = permutations[i];
    for (let j = 0; j < permutations.length; j++) {
      const pj = permutations[j];
      // c = phase_i phase_j of each S entry (sandwiches) and of each H entry (-i[H, .]): its real
      // part (part 0) or imaginary part (part 1), times `scale`
      const sEntries = (part: 0 | 1, scale: number) => {
        const out: { index: number; sign: number }[] = [];
        for (let k = 0; k < A; k++) {
          for (let l = 0; l < A; l++) {
            const c = cmulPhase(phase(i, k), phase(j, l))[part];
            if (c !== 0) out.push({ index: ((pi.perm[k] * A + l) * A + pj.perm[l]) * A + k, sign: scale * c });
          }
        }
        return out;
      };
      const hEntries = (part: 0 | 1) => {
        const out: { index: number; sign: number }[] = [];
        for (let l = 0; l < A; l++) {
          const c = cmulPhase(phase(i, pj.perm[l]), phase(j, l))[part];
          if (c !== 0) out.push({ index: A * pi.perm[pj.perm[l]] + l, sign: c });
        }
        return out;
      };
      if (parity[i] === parity[j]) terms.push({ i, j, source: 'S', entries: sEntries(0, 1), imaginary: { source: 'H', entries: hEntries(0) } });
      else terms.push({ i, j, source: 'H', entries: hEntries(1), imaginary: { source: 'S', entries: sEntries(1, -1) } });
    }
  }
  recipes.set(qubits, terms);
  return terms;
}

/**
 * The layout of `parts` for pauliTransferF64: C = K - iH, then X_t and Y_t of each sandwich term,
 * each an A x A complex matrix as its real then its imaginary entries (row-major), A = 2^n.
 */
export function transferPartsLayout(qubits: number, terms: number) {
  const AA = 4 ** qubits;
  const x = (t: number) => 2 * AA * (1 + 2 * t);
  return { cRe: 0, cIm: AA, xRe: x, xIm: (t: number) => x(t) + AA, yRe: (t: number) => x(t) + 2 * AA, yIm: (t: number) => x(t) + 3 * AA, length: 2 * AA * (1 + 2 * terms) } as const;
}

/**
 * The Pauli strings of n qubits as flips and signs, and the scratch of pauliTransferF64. String j
 * flips the bits `flip[j]` of a basis index and multiplies by phase[j] (-1)^|l & sign[j]| (|.|: the
 * number of bits), so the strings sharing one flip differ by a Walsh-Hadamard character:
 * perm_j(l) = l ^ flip[j], phase_j(l) = phase[j] (-1)^|l & sign[j]|.
 */
interface TransferScratch {
  flip: Int32Array;
  sign: Int32Array;
  phaseRe: Float64Array;
  phaseIm: Float64Array;
  /** the strings of each flip */
  byFlip: number[][];
  sRe: Float64Array;
  sIm: Float64Array;
  wRe: Float64Array;
  wIm: Float64Array;
  mRe: Float64Array;
  mIm: Float64Array;
  uRe: Float64Array;
  uIm: Float64Array;
}
const scratches = new Map<number, TransferScratch>();

const bits = (x: number) => x.toString(2).replace(/0/g, '').length;

function transferScratch(qubits: number): TransferScratch {
  let s = scratches.get(qubits);
  if (s) return s;
  const { permutations } = pauliBasis(qubits);
  const A = 2 ** qubits;
  const flip = Int32Array.from(permutations, (p) => p.perm[0]);
  // bit b of the sign mask: the phase's sign flips at index 2^b
  const sign = Int32Array.from(permutations, (p) => Array.from({ length: qubits }, (_, b) => (p.phaseRe[1 << b] * p.phaseRe[0] + p.phaseIm[1 << b] * p.phaseIm[0] < 0 ? 1 << b : 0)).reduce((m, x) => m | x, 0));
  permutations.forEach((p, j) => {
    for (let l = 0; l < A; l++) {
      const c = bits(l & sign[j]) % 2 ? -1 : 1;
      if (p.perm[l] !== (l ^ flip[j]) || p.phaseRe[l] !== c * p.phaseRe[0] || p.phaseIm[l] !== c * p.phaseIm[0]) throw new Error(`Pauli string ${j} of ${qubits} qubits is not a flip with a sign character`);
    }
  });
  s = {
    flip,
    sign,
    phaseRe: Float64Array.from(permutations, (p) => p.phaseRe[0]),
    phaseIm: Float64Array.from(permutations, (p) => p.phaseIm[0]),
    byFlip: Array.from({ length: A }, (_, x) => Array.from(flip.keys()).filter((j) => flip[j] === x)),
    sRe: new Float64Array(A ** 4),
    sIm: new Float64Array(A ** 4),
    wRe: new Float64Array(A ** 3),
    wIm: new Float64Array(A ** 3),
    mRe: new Float64Array(A * A),
    mIm: new Float64Array(A * A),
    uRe: new Float64Array(A),
    uIm: new Float64Array(A),
  };
  scratches.set(qubits, s);
  return s;
}

/** In place: v[w] := sum_l (-1)^|l & w| v[l], over the A entries from `offset`. */
function walshHadamard(v: Float64Array, offset: number, A: number): void {
  for (let h = 1; h < A; h <<= 1) {
    for (let i = offset; i < offset + A; i += h << 1) {
      for (let k = i; k < i + h; k++) {
        const x = v[k];
        const y = v[k + h];
        v[k] = x + y;
        v[k + h] = x - y;
      }
    }
  }
}

/**
 * G (4^n x 4^n, row-major, row 0 zero) of L(rho) = sum_t (X_t rho Y_t + h.c.) + (C rho + h.c.),
 * C = K - iH (so that -i[H, rho] = -iH rho + h.c.), computed in float64 from the parts' values:
 * the same transfer as transferTerms, factorised for systems whose unrolled recipe is too large to
 * emit (4^n x 4^n entries of 4^n terms each). G_ij = 2^(1-n) Re Tr(P_i M_j) with
 * M_j = sum_t X_t P_j Y_t + C P_j, that is M_j[a][k] = sum_l phase_j(l) S[a][l][perm_j(l)][k]
 * over S[a][l][b][k] = sum_t X_t[a][l] Y_t[b][k] + C[a][l] delta_bk, and
 * Tr(P_i M_j) = sum_k phase_i(k) M_j[perm_i(k)][k]; both sums over the strings of one flip at once,
 * by a Walsh-Hadamard transform (TransferScratch). `parts` as transferPartsLayout(qubits, terms).
 */
export function pauliTransferF64(qubits: number, terms: number, parts: Float64Array, G: Float64Array): void {
  const A = 2 ** qubits;
  // (4^n: the entries of a part, and G's side)
  const AA = A * A;
  const layout = transferPartsLayout(qubits, terms);
  const { sign, phaseRe, phaseIm, byFlip, sRe, sIm, wRe, wIm, mRe, mIm, uRe, uIm } = transferScratch(qubits);
  sRe.fill(0);
  sIm.fill(0);
  for (let t = 0; t < terms; t++) {
    const xr = layout.xRe(t);
    const xi = layout.xIm(t);
    const yr = layout.yRe(t);
    const yi = layout.yIm(t);
    for (let al = 0; al < AA; al++) {
      const a = parts[xr + al];
      const b = parts[xi + al];
      if (a === 0 && b === 0) continue;
      const row = al * AA;
      for (let bk = 0; bk < AA; bk++) {
        const c = parts[yr + bk];
        const d = parts[yi + bk];
        sRe[row + bk] += a * c - b * d;
        sIm[row + bk] += a * d + b * c;
      }
    }
  }
  for (let al = 0; al < AA; al++) {
    for (let b = 0; b < A; b++) {
      sRe[al * AA + b * (A + 1)] += parts[layout.cRe + al];
      sIm[al * AA + b * (A + 1)] += parts[layout.cIm + al];
    }
  }
  const scale = 2 ** (1 - qubits);
  for (let x = 0; x < A; x++) {
    // W[a][k][w] = sum_l (-1)^|l & w| S[a][l][l ^ x][k]: M_j[a][k] = phase[j] W[a][k][sign[j]] for the strings of flip x
    for (let a = 0; a < A; a++) {
      for (let k = 0; k < A; k++) {
        const w = (a * A + k) * A;
        for (let l = 0; l < A; l++) {
          const s = ((a * A + l) * A + (l ^ x)) * A + k;
          wRe[w + l] = sRe[s];
          wIm[w + l] = sIm[s];
        }
        walshHadamard(wRe, w, A);
        walshHadamard(wIm, w, A);
      }
    }
    for (const j of byFlip[x]) {
      const cr = phaseRe[j];
      const ci = phaseIm[j];
      for (let ak = 0; ak < AA; ak++) {
        const w = ak * A + sign[j];
        mRe[ak] = cr * wRe[w] - ci * wIm[w];
        mIm[ak] = cr * wIm[w] + ci * wRe[w];
      }
      G[j] = 0;
      for (let y = 0; y < A; y++) {
        // U[w] = sum_k (-1)^|k & w| M_j[k ^ y][k]: Tr(P_i M_j) = phase[i] U[sign[i]] for the strings of flip y
        for (let k = 0; k < A; k++) {
          uRe[k] = mRe[(k ^ y) * A + k];
          uIm[k] = mIm[(k ^ y) * A + k];
        }
        walshHadamard(uRe, 0, A);
        walshHadamard(uIm, 0, A);
        for (const i of byFlip[y]) if (i !== 0) G[i * AA + j] = scale * (phaseRe[i] * uRe[sign[i]] - phaseIm[i] * uIm[sign[i]]);
      }
    }
  }
}
