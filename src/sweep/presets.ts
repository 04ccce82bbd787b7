// The paper's non-resonant phase diagrams (Figs. 8-11) and the Liouvillian gap over Delta x F
// (Fig. 2 in 2-D) as sweep specs, and one diagram for each other built-in system. Axis ranges the paper does not print are those of MODEL.md:
// Delta in [-4, 4], F in [0, 2], dT in [-1.8, 1.8] Tbar, dmu in [-6, 6]. Initial state |eg>,
// tau = 20000, Delta_bar = 0. Axes are [panel, y, x].

import { InputError, type PointParams, pointToInput } from '../model/params.js';
import { type ResolvedSpec, type SweepSpec, resolveSpec } from './spec.js';

const N = 201;
const common = { lambda: 1, alpha1: 0.1, alpha2: 0.1, omega_c: 5, Delta1: 0, Delta2: 0, tau: 20000, model: 'redfield' as const, initial_state: { label: 'eg' } };

export const PRESETS: Record<string, SweepSpec> = {
  fig8: {
    name: 'fig8',
    description: 'Fig. 8: equilibrium boson reservoirs, panels T',
    base: { ...common, reservoir: 'boson' },
    axes: [
      { param: 'T', values: [0.5, 1, 2, 3] },
      { param: 'F', from: 0, to: 2, n: N },
      { param: 'Delta', from: -4, to: 4, n: N },
    ],
  },
  fig9: {
    name: 'fig9',
    description: 'Fig. 9: boson reservoirs, F = 0.5, panels Tbar (dT in [-1.8, 1.8] Tbar)',
    base: { ...common, reservoir: 'boson', F: 0.5 },
    axes: [
      { param: 'Tbar', values: [0.5, 1, 2, 3] },
      { param: 'dT', from: -1.8, to: 1.8, n: N, relative_to: 'Tbar' },
      { param: 'Delta', from: -4, to: 4, n: N },
    ],
  },
  fig10: {
    name: 'fig10',
    description: 'Fig. 10: equilibrium fermion reservoirs, T = 1, panels mu',
    base: { ...common, reservoir: 'fermion', T1: 1, T2: 1 },
    axes: [
      { param: 'mu', values: [3, 6, -3, -6] },
      { param: 'F', from: 0, to: 2, n: N },
      { param: 'Delta', from: -4, to: 4, n: N },
    ],
  },
  fig11: {
    name: 'fig11',
    description: 'Fig. 11: fermion reservoirs, F = 0.5, T = 1, panels mubar',
    base: { ...common, reservoir: 'fermion', F: 0.5, T1: 1, T2: 1 },
    axes: [
      { param: 'mubar', values: [0, 3, 6, -6] },
      { param: 'dmu', from: -6, to: 6, n: N },
      { param: 'Delta', from: -4, to: 4, n: N },
    ],
  },
  gap: {
    name: 'gap',
    description: 'Fig. 2 in 2-D: Liouvillian gap vs driving F and detuning Delta, Redfield, equilibrium boson reservoirs T = 1 (qbsweep figure 2c adds fermions and Eq. (4))',
    base: { ...common, reservoir: 'boson', T1: 1, T2: 1 },
    axes: [
      { param: 'F', from: 0, to: 2, n: N },
      { param: 'Delta', from: -4, to: 4, n: N },
    ],
    outputs: ['liouvillian_gap'],
    plot: 'liouvillian_gap',
  },
  // the other built-in systems (qbsweep systems NAME): the same question, other couplings
  xxz: {
    name: 'xxz',
    system: 'xxz',
    description: 'XXZ-coupled charger-battery (system xxz), local boson baths, F = 0.5, Tbar = 1: efficiency over detuning Delta and Ising anisotropy Jz, panels dT (0 and 1)',
    base: { F: 0.5, tau: 20000, model: 'redfield', initial_state: { label: 'eg' } },
    axes: [
      { param: 'dT', values: [0, 1] },
      { param: 'Jz', from: -1, to: 1, n: N },
      { param: 'Delta', from: -4, to: 4, n: N },
    ],
  },
  'common-bath': {
    name: 'common-bath',
    system: 'common-bath',
    description: 'charger and battery sharing one boson bath (system common-bath), T = 1: efficiency over driving F and detuning Delta, panels g2 (the battery\'s coupling to the bath: 0.25, 0.5, 1; at g2 = 0 the kernel is two-dimensional everywhere)',
    base: { tau: 20000, model: 'redfield', initial_state: { label: 'eg' } },
    axes: [
      { param: 'g2', values: [0.25, 0.5, 1] },
      { param: 'F', from: 0, to: 2, n: N },
      { param: 'Delta', from: -4, to: 4, n: N },
    ],
  },
  // systems of three and four qubits: the declared battery's efficiency; grids a cpu run finishes in
  // a few minutes on two cores (the README's pictures: 41 x 41 for three qubits, 7 x 7 for four)
  'charger-two-cells': {
    name: 'charger-two-cells',
    system: 'charger-two-cells',
    description: 'three qubits (system charger-two-cells): a driven charger and two detuned cells, T = 1, Bloch-Redfield: efficiency of the two-cell battery over driving F and the charger\'s detuning Delta1',
    base: { tau: 20000, model: 'bloch-redfield', initial_state: { label: 'egg' } },
    axes: [
      { param: 'F', from: 0, to: 2, n: 41 },
      { param: 'Delta1', from: -4, to: 4, n: 41 },
    ],
  },
  'central-spin': {
    name: 'central-spin',
    system: 'central-spin',
    description: 'four qubits (system central-spin): one driven charger spin and three cells, F = 0.5, T1 + TB = 1.5, Bloch-Redfield: efficiency of the three-cell battery over the temperature difference dT = T1 - TB and the charger\'s detuning Delta1',
    base: { tau: 20000, model: 'bloch-redfield', initial_state: { label: 'eggg' } },
    axes: [
      { param: 'dT', from: -1, to: 1.4, n: 7 },
      { param: 'Delta1', from: -3, to: 3, n: 7 },
    ],
  },
};

export function preset(name: string): SweepSpec {
  const p = PRESETS[name];
  if (!p) throw new InputError(`option --preset: unknown preset ${JSON.stringify(name)} (expected ${Object.keys(PRESETS).join(', ')})`);
  return structuredClone(p);
}

/**
 * The title of a run: its preset's description when it computes the preset's diagram (at any
 * resolution: --grid keeps it), else its own description, else its name. A preset changed by
 * --set, another axis range or another system is not the paper's figure any more.
 */
export function runTitle(spec: Pick<ResolvedSpec, 'name' | 'description' | 'axes'>, base: PointParams): string {
  const p = PRESETS[spec.name];
  if (!p) return spec.description ?? spec.name;
  const same =
    spec.description === p.description &&
    JSON.stringify(pointToInput(resolveSpec(p).point)) === JSON.stringify(pointToInput(base)) &&
    JSON.stringify(p.axes.map(({ n: _n, ...a }) => a)) === JSON.stringify(spec.axes.map(({ n: _n, ...a }) => a));
  return same ? p.description! : `${spec.name} (changed from the preset)`;
}
