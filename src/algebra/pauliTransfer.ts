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
