// What a sweep can write per point, named as the keys of `qbsweep point --json`, and how to
// read each from the record every backend fills (the layout of shaders/layout.wgsl).

import { FLAG_BITS, OUT, OUT_STRIDE } from '../core/layout.js';
import { PAULI_STRINGS } from '../model/pauli.js';
import type { PointFlag } from '../model/point.js';

export const RECORD_STRIDE = OUT_STRIDE;
export const RECORD = OUT;

export const SCALAR_OUTPUTS = [
  'efficiency',
  'E_B_over_omega',
  'ergotropy_over_omega',
  'concurrence',
  'liouvillian_gap',
  'steady.efficiency',
  'steady.E_B_over_omega',
  'steady.ergotropy_over_omega',
  'steady.concurrence',
  'steady.kernel_dim',
] as const;
/** `rho` expands to the 32 columns rho_real[i][j], rho_imag[i][j] */
export const OUTPUT_KEYS = [...SCALAR_OUTPUTS, 'rho'] as const;
export type OutputKey = (typeof OUTPUT_KEYS)[number];
export const DEFAULT_OUTPUTS: OutputKey[] = ['efficiency', 'E_B_over_omega', 'ergotropy_over_omega', 'concurrence', 'steady.efficiency'];

export const OUTPUT_DOCS: Record<string, { label: string; unit: string }> = {
  efficiency: { label: 'efficiency P = ergotropy / E_B', unit: '' },
  E_B_over_omega: { label: 'battery energy E_B / omega', unit: '' },
  ergotropy_over_omega: { label: 'ergotropy / omega', unit: '' },
  concurrence: { label: 'concurrence C', unit: '' },
  liouvillian_gap: { label: 'Liouvillian gap', unit: 'lambda' },
  'steady.efficiency': { label: 'long-time efficiency P_ss', unit: '' },
  'steady.E_B_over_omega': { label: 'long-time E_B / omega', unit: '' },
  'steady.ergotropy_over_omega': { label: 'long-time ergotropy / omega', unit: '' },
  'steady.concurrence': { label: 'long-time concurrence', unit: '' },
  'steady.kernel_dim': { label: 'dimension of ker L', unit: '' },
};

/** Record slot of each scalar output. */
const SLOT: Record<(typeof SCALAR_OUTPUTS)[number], number> = {
  efficiency: OUT.efficiency,
  E_B_over_omega: OUT.energy,
  ergotropy_over_omega: OUT.ergotropy,
  concurrence: OUT.concurrence,
  liouvillian_gap: OUT.gap,
  'steady.efficiency': OUT.steadyEfficiency,
  'steady.E_B_over_omega': OUT.steadyEnergy,
  'steady.ergotropy_over_omega': OUT.steadyErgotropy,
  'steady.concurrence': OUT.steadyConcurrence,
  'steady.kernel_dim': OUT.kernelDim,
};

/** CSV/array column names for the chosen outputs, in order. */
export function outputColumns(outputs: string[]): string[] {
  const cols: string[] = [];
  for (const o of outputs) {
    if (o === 'rho') {
      for (const part of ['rho_real', 'rho_imag']) for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) cols.push(`${part}[${i}][${j}]`);
    } else cols.push(o);
  }
  return cols;
}

// rho from r: rho = (1/4) sum_i r_i P_i, entry (i, j) as a sparse list of (component, coefficient)
const RHO_TERMS: { re: [number, number][]; im: [number, number][] }[] = Array.from({ length: 16 }, (_, e) => ({
  re: PAULI_STRINGS.map((p, i) => [i, 0.25 * p.re[e]] as [number, number]).filter(([, c]) => c !== 0),
  im: PAULI_STRINGS.map((p, i) => [i, 0.25 * p.im[e]] as [number, number]).filter(([, c]) => c !== 0),
}));

/** Columns that are not outputs but that checks need (the scale of the gap tolerance). */
export const INTERNAL_COLUMNS = { _spectral_radius: OUT.spectralRadius, _dt: OUT.dt } as const;

/** Copies one column of `n` records into dst[at ..]: a plain strided copy for scalar outputs. */
export function copyColumn(records: ArrayLike<number>, n: number, column: string, dst: Float32Array | Float64Array, at: number): void {
  const slot = column in SLOT ? SLOT[column as keyof typeof SLOT] : column in INTERNAL_COLUMNS ? INTERNAL_COLUMNS[column as keyof typeof INTERNAL_COLUMNS] : -1;
  if (slot < 0) {
    for (let k = 0; k < n; k++) dst[at + k] = columnValue(records, k, column);
    return;
  }
  for (let k = 0, o = slot; k < n; k++, o += RECORD_STRIDE) dst[at + k] = records[o];
}

/** The value of one column for record k. */
export function columnValue(records: ArrayLike<number>, k: number, column: string): number {
  const base = k * RECORD_STRIDE;
  if (column in SLOT) return records[base + SLOT[column as keyof typeof SLOT]];
  if (column in INTERNAL_COLUMNS) return records[base + INTERNAL_COLUMNS[column as keyof typeof INTERNAL_COLUMNS]];
  const m = /^rho_(real|imag)\[(\d)\]\[(\d)\]$/.exec(column);
  if (!m) throw new Error(`unknown column ${column}`);
  const terms = RHO_TERMS[Number(m[2]) * 4 + Number(m[3])][m[1] === 'real' ? 're' : 'im'];
  let v = 0;
  for (const [i, c] of terms) v += c * records[base + i];
  return v;
}

/** Flag bits of record k (the words of the evolution, steady and spectrum programs). */
export function recordFlags(records: ArrayLike<number>, k: number): number {
  const b = k * RECORD_STRIDE;
  return (records[b + OUT.flags] | 0) | (records[b + OUT.steadyFlags] | 0) | (records[b + OUT.spectrumFlags] | 0);
}

export function flagNames(bits: number): PointFlag[] {
  return (Object.entries(FLAG_BITS) as [PointFlag, number][]).filter(([, b]) => bits & b).map(([n]) => n);
}

export function flagBits(flags: string[]): number {
  let bits = 0;
  for (const f of flags) bits |= (FLAG_BITS as Record<string, number>)[f] ?? 0;
  return bits;
}
