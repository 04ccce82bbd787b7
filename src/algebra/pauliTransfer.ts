// The Pauli transfer of a superoperator by index arithmetic alone: the sparse recipe the
// compiler emits the generator with (src/compiler/generator.ts pauliTransfer).
//
// For a term rho -> X rho Y + h.c. with real X, Y:  G_ij = (1/2) Re Tr(P_i X P_j Y), and with
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
// so G stays real (G_ij = (1/4) Tr(P_i L(P_j)) is real for every Hermiticity-preserving L).

import { PAULI_PERMUTATIONS } from './pauli.js';

/** Number of sigma_y factors of P_i, mod 2 (components with odd parity are Im parts of rho). */
export const PAULI_PARITY: readonly number[] = Array.from({ length: 16 }, (_, i) => ((i >> 2) === 2 ? 1 : 0) ^ ((i & 3) === 2 ? 1 : 0));

export interface TransferTerm {
  i: number;
  j: number;
  /** entries of S (index 64a + 16l + 4b + k) or of H (index 4a + l), each with a sign, times 1/2 */
  source: 'S' | 'H';
  entries: { index: number; sign: number }[];
  /** the entries of Im S (mixed parity) or Im H (same parity), with their signs, times 1/2 */
  imaginary: { source: 'S' | 'H'; entries: { index: number; sign: number }[] };
}

function phase(i: number, k: number): [number, number] {
  const p = PAULI_PERMUTATIONS[i];
  return [p.phaseRe[k], p.phaseIm[k]];
}

function cmulPhase(a: [number, number], b: [number, number]): [number, number] {
  return [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
}

/** The sparse recipe for every G_ij (row 00 excluded: it is zero by construction). */
export const TRANSFER_TERMS: readonly TransferTerm[] = (() => {
  const terms: TransferTerm[] = [];
  for (let i = 1; i < 16; i++) {
    const pi = PAULI_PERMUTATIONS[i];
    for (let j = 0; j < 16; j++) {
      const pj = PAULI_PERMUTATIONS[j];
      // c = phase_i phase_j of each S entry (sandwiches) and of each H entry (-i[H, .]): its real
      // part (part 0) or imaginary part (part 1), times `scale`
      const sEntries = (part: 0 | 1, scale: number) => {
        const out: { index: number; sign: number }[] = [];
        for (let k = 0; k < 4; k++) {
          for (let l = 0; l < 4; l++) {
            const c = cmulPhase(phase(i, k), phase(j, l))[part];
            if (c !== 0) out.push({ index: 64 * pi.perm[k] + 16 * l + 4 * pj.perm[l] + k, sign: scale * c });
          }
        }
        return out;
      };
      const hEntries = (part: 0 | 1) => {
        const out: { index: number; sign: number }[] = [];
        for (let l = 0; l < 4; l++) {
          const c = cmulPhase(phase(i, pj.perm[l]), phase(j, l))[part];
          if (c !== 0) out.push({ index: 4 * pi.perm[pj.perm[l]] + l, sign: c });
        }
        return out;
      };
      if (PAULI_PARITY[i] === PAULI_PARITY[j]) terms.push({ i, j, source: 'S', entries: sEntries(0, 1), imaginary: { source: 'H', entries: hEntries(0) } });
      else terms.push({ i, j, source: 'H', entries: hEntries(1), imaginary: { source: 'S', entries: sEntries(1, -1) } });
    }
  }
  return terms;
})();
