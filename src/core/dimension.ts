// The size of a system's state space, from its number of qubits n: 2^n amplitudes, a density
// matrix of 4^n entries, and the real Pauli vector of 4^n components (r_0...0 = 1) every layer
// computes with. A system definition carries it; nothing else assumes a size.

export interface Dimension {
  /** n, the number of qubits */
  readonly qubits: number;
  /** 2^n: amplitudes of a pure state (the side of the density matrix) */
  readonly amplitudes: number;
  /** 4^n: components of the Pauli vector (the side of the generator) */
  readonly stateDim: number;
}

export function dimensionOf(qubits: number): Dimension {
  if (!Number.isInteger(qubits) || qubits < 1) throw new Error(`a system has a whole number of qubits >= 1 (got ${qubits})`);
  return { qubits, amplitudes: 2 ** qubits, stateDim: 4 ** qubits };
}

/** n of a Pauli vector (or a density matrix's entries) of 4^n components. */
export function qubitsOfState(components: number): number {
  const n = Math.round(Math.log2(components) / 2);
  if (4 ** n !== components) throw new Error(`a state of n qubits has 4^n components (got ${components})`);
  return n;
}

/** The most qubits a system may have (a file of more is refused; 4^4 = 256 state components). */
export const MAX_QUBITS = 4;

/** The sizes a user can load (the float64 cpu backend runs every one; the GPU backends two qubits only: backends/select.ts). */
export const LOADABLE_QUBITS: readonly number[] = [1, 2, 3, 4];

/** The side n of an n x n row-major matrix (a generator of stateDim^2 entries, a density matrix of amplitudes^2). */
export function sideOf(m: { readonly length: number }): number {
  const n = Math.round(Math.sqrt(m.length));
  if (n * n !== m.length) throw new Error(`a square matrix has a square number of entries (got ${m.length})`);
  return n;
}
