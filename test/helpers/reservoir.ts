// Reservoir rates: Ohmic spectrum J(w) = alpha w exp(-w/omega_c) times the occupation factors.
// Emission (lowering) rate J(w) Ncal(w), absorption (raising) rate J(w) N(w), for w >= 0.

import type { Reservoir, ZeroFreq } from '../../src/model/params.js';

export interface Bath {
  kind: Reservoir;
  alpha: number;
  omega_c: number;
  T: number;
  mu: number;
  zeroFreq: ZeroFreq;
}

export function spectralDensity(b: Bath, w: number): number {
  return b.alpha * w * Math.exp(-w / b.omega_c);
}

/** Occupation N(w): Bose-Einstein or Fermi-Dirac, with the T = 0 limits. */
export function occupation(b: Bath, w: number): number {
  if (b.kind === 'boson') {
    if (b.T === 0) return 0;
    return 1 / Math.expm1(w / b.T);
  }
  const x = w - b.mu;
  if (b.T === 0) return x < 0 ? 1 : x > 0 ? 0 : 0.5;
  // 0.5 (1 - tanh(x / 2T)) stays finite for huge |x|/T
  return 0.5 * (1 - Math.tanh(x / (2 * b.T)));
}

/** Ncal = N + 1 (boson) or 1 - N (fermion). */
export function complementOccupation(b: Bath, w: number): number {
  if (b.kind === 'boson') return occupation(b, w) + 1;
  const x = w - b.mu;
  if (b.T === 0) return x > 0 ? 1 : x < 0 ? 0 : 0.5;
  return 0.5 * (1 + Math.tanh(x / (2 * b.T)));
}

/** Products J N and J Ncal at w = 0: boson -> alpha T under zero_freq "limit", else 0. */
function zeroFrequencyRate(b: Bath): number {
  return b.kind === 'boson' && b.zeroFreq === 'limit' ? b.alpha * b.T : 0;
}

/** J(w) Ncal(w): rate of transitions that lower the system energy by w (w >= 0). */
export function emissionRate(b: Bath, w: number): number {
  if (w <= 0) return zeroFrequencyRate(b);
  return spectralDensity(b, w) * complementOccupation(b, w);
}

/** J(w) N(w): rate of transitions that raise the system energy by w (w >= 0). */
export function absorptionRate(b: Bath, w: number): number {
  if (w <= 0) return zeroFrequencyRate(b);
  return spectralDensity(b, w) * occupation(b, w);
}
