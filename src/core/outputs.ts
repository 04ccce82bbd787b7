// The per-point scalar outputs every backend writes into its record, named as the keys of
// `qbsweep point --json`, with their record slots (src/core/layout.ts OUT), and the flag words:
// what a backend needs to fill a record, shared by every layer that reads one.

import { FLAG_BITS, OUT } from './layout.js';
import type { FlagName } from './constants.js';

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
  'ergotropy_incoherent_over_omega',
  'ergotropy_coherent_over_omega',
  'capacity_over_omega',
  'battery_purity',
  'battery_entropy',
  'rho_min_eigenvalue',
  'average_power',
  'average_ergotropic_power',
  'steady.ergotropy_incoherent_over_omega',
  'steady.ergotropy_coherent_over_omega',
  'steady.capacity_over_omega',
  'steady.battery_purity',
  'steady.battery_entropy',
  'steady.rho_min_eigenvalue',
  'steady.heat_current_1',
  'steady.heat_current_2',
  'steady.heat_current_3',
  'steady.heat_current_4',
  'steady.particle_current_1',
  'steady.particle_current_2',
  'steady.particle_current_3',
  'steady.particle_current_4',
  'steady.entropy_production',
] as const;

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
  ergotropy_incoherent_over_omega: OUT.incoherent,
  ergotropy_coherent_over_omega: OUT.coherent,
  capacity_over_omega: OUT.capacity,
  battery_purity: OUT.purity,
  battery_entropy: OUT.entropy,
  rho_min_eigenvalue: OUT.rhoMin,
  average_power: OUT.averagePower,
  average_ergotropic_power: OUT.averageErgotropicPower,
  'steady.ergotropy_incoherent_over_omega': OUT.steadyIncoherent,
  'steady.ergotropy_coherent_over_omega': OUT.steadyCoherent,
  'steady.capacity_over_omega': OUT.steadyCapacity,
  'steady.battery_purity': OUT.steadyPurity,
  'steady.battery_entropy': OUT.steadyEntropy,
  'steady.rho_min_eigenvalue': OUT.steadyRhoMin,
  'steady.heat_current_1': OUT.steadyHeat,
  'steady.heat_current_2': OUT.steadyHeat + 1,
  'steady.heat_current_3': OUT.steadyHeat + 2,
  'steady.heat_current_4': OUT.steadyHeat + 3,
  'steady.particle_current_1': OUT.steadyParticles,
  'steady.particle_current_2': OUT.steadyParticles + 1,
  'steady.particle_current_3': OUT.steadyParticles + 2,
  'steady.particle_current_4': OUT.steadyParticles + 3,
  'steady.entropy_production': OUT.steadyEntropyProduction,
};

/** The record slot of a scalar output. */
export const outputSlot = (o: string): number | undefined => (Object.hasOwn(SLOT, o) ? SLOT[o as keyof typeof SLOT] : undefined);

/**
 * A sweep's flag words, one per point: 16 bits (FLAG_BITS outgrew a byte; a record keeps its
 * words in f32 slots, exact up to 2^24). The HDF5 `flags` dataset has this type.
 */
export const FlagWords = Uint16Array;
export type FlagWords = Uint16Array;

export function flagNames(bits: number): FlagName[] {
  return (Object.entries(FLAG_BITS) as [FlagName, number][]).filter(([, b]) => bits & b).map(([n]) => n);
}

export function flagBits(flags: string[]): number {
  let bits = 0;
  for (const f of flags) bits |= (FLAG_BITS as Record<string, number>)[f] ?? 0;
  return bits;
}
