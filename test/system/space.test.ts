// The paper's system is its file (issue 19 item 1): what the paper's own parameter layer did is
// the generic space of systems/wang2023.json, to the last bit; names that set several parameters
// ("sets") and their refusals are part of the format.

import { describe, expect, it } from 'vitest';
import { InputError, normalizeBase, resolvePoint, setParam, valuesByName } from '../../src/model/params.js';
import { parseSystem } from '../../src/system/definition.js';
import { paperSystem } from '../../src/system/registry.js';
import { genericSpace } from '../../src/system/space.js';
import wang2023 from '../../systems/wang2023.json' with { type: 'json' };

const space = genericSpace(paperSystem());

/** The paper layer's own formulas (src/model/params.ts applyParam before issue 19): the reading the file must reproduce. */
function paperReading(rec: Record<string, number>, name: string, v: number): void {
  const pair = (a: string, b: string, mean: boolean) => {
    if (mean) {
      const d = rec[a] - rec[b];
      rec[a] = v + d / 2;
      rec[b] = v - d / 2;
    } else {
      const bar = (rec[a] + rec[b]) / 2;
      rec[a] = bar + v / 2;
      rec[b] = bar - v / 2;
    }
  };
  if (name === 'Delta') pair('Delta1', 'Delta2', false);
  else if (name === 'Delta_bar') pair('Delta1', 'Delta2', true);
  else if (name === 'Tbar') pair('T1', 'T2', true);
  else if (name === 'dT') pair('T1', 'T2', false);
  else if (name === 'mubar') pair('mu1', 'mu2', true);
  else if (name === 'dmu') pair('mu1', 'mu2', false);
  else if (name === 'T') rec.T1 = rec.T2 = v;
  else if (name === 'mu') rec.mu1 = rec.mu2 = v;
  else if (name === 'alpha') rec.alpha1 = rec.alpha2 = v;
}

describe("the paper's names from systems/wang2023.json", () => {
  it('are settable: the mean/difference pairs and T, mu, alpha (not M)', () => {
    expect(space.settable).toEqual(['Delta', 'Delta_bar', 'Tbar', 'dT', 'T', 'mubar', 'dmu', 'mu', 'alpha']);
    expect(space.moves('T')).toEqual(['T1', 'T2']);
    expect(space.moves('Delta_bar')).toEqual(['Delta1', 'Delta2']);
  });

  it('set the parameters exactly as the paper layer did, to the last bit (grids and figures unchanged)', () => {
    // a deterministic spread of awkward values: p += step g agrees only to rounding (it failed here)
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 6 - 3;
    for (let trial = 0; trial < 200; trial++) {
      for (const name of space.settable) {
        const start = space.defaults().map((x) => x + rnd() / 3);
        const v = rnd();
        const mine = [...start];
        const theirs = Object.fromEntries(space.params.map((k, i) => [k, start[i]]));
        space.set(mine, name, v);
        paperReading(theirs, name, v);
        expect(mine, `${name} = ${v}`).toEqual(space.params.map((k) => theirs[k]));
      }
    }
  });

  it('T, mu and alpha set both reservoirs and read back their mean; Tbar keeps dT, dT keeps Tbar', () => {
    const values = space.defaults();
    const at = (...names: string[]) => names.map((n) => space.get(values, n));
    space.set(values, 'T', 2.5);
    expect(at('T1', 'T2', 'T')).toEqual([2.5, 2.5, 2.5]);
    space.set(values, 'dT', 1);
    expect(at('T1', 'T2')).toEqual([3, 2]);
    space.set(values, 'Tbar', 4);
    expect(at('T1', 'T2')).toEqual([4.5, 3.5]);
    space.set(values, 'alpha', 0.3);
    expect(at('alpha1', 'alpha2')).toEqual([0.3, 0.3]);
  });

  it('a point takes them (T before dT whatever the order given) and refuses a name with a parameter it moves', () => {
    const p = valuesByName(resolvePoint({ dT: 0.5, T: 2, Delta: 1 }));
    expect([p.T1, p.T2, p.Delta1, p.Delta2]).toEqual([2.25, 1.75, 0.5, -0.5]);
    expect(normalizeBase({ dT: 0.5, T: 2 }, paperSystem(), 'spec base')).toEqual({ T1: 2.25, T2: 1.75 });
    expect(() => resolvePoint({ T: 2, T1: 1 })).toThrowError(/^point parameters: T and T1 both set the T pair; give one spelling$/);
    expect(() => resolvePoint({ theta: 0.3, initial_state: { label: 'eg' } })).toThrowError(/^point parameters: theta and initial_state both set the initial state/);
    expect(setParam({}, 'theta', 0.3)).toEqual({ initial_state: { theta: 0.3, phi: 0 } });
    expect(() => setParam({}, 'M', 2)).toThrowError(/^parameter M: a derived name that is not affine .* cannot be set/);
  });
});

describe('"sets" in a system file', () => {
  const withDerived = (derived: Record<string, unknown>) => ({ ...structuredClone(wang2023), name: 'sets-test', derived });
  const message = (derived: Record<string, unknown>) => {
    try {
      parseSystem(withDerived(derived), 'system');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    return 'accepted';
  };

  it('makes any system a name that sets several parameters, with its unit and doc', () => {
    const sys = parseSystem(withDerived({ drive: { expr: 'F', sets: ['F', 'lambda'], unit: 'lambda', doc: 'drive and coupling together' } }), 'system');
    expect(sys.derived[0]).toMatchObject({ name: 'drive', sets: ['F', 'lambda'], unit: 'lambda', doc: 'drive and coupling together' });
    const p = valuesByName(resolvePoint({ system: sys, drive: 0.7 }));
    expect([p.F, p.lambda]).toEqual([0.7, 0.7]);
  });

  it('refuses what cannot mean that, in one line naming the place', () => {
    expect(message({ X: { expr: 'T1', sets: ['T1', 'Tz'] } })).toMatch(/derived\.X\.sets: must be a non-empty array of distinct parameter names/);
    expect(message({ X: { expr: 'T1', sets: ['T1', 'T1'] } })).toMatch(/derived\.X\.sets: must be a non-empty array of distinct parameter names/);
    expect(message({ X: { expr: 'T1 - T2', sets: ['T1', 'T2'] } })).toMatch(/derived\.X\.sets: with T1 = T2 = 0\.5, T1 - T2 reads 0, not 0\.5/);
    expect(message({ X: { expr: 'T1', step: 1 } })).toMatch(/derived\.X: unknown key "step" \(allowed: expr, sets, unit, doc\)/);
    expect(message({ X: { sets: ['T1'] } })).toMatch(/derived\.X: missing "expr"/);
    expect(message({ X: { expr: 'T1', unit: 3 } })).toMatch(/derived\.X\.unit: must be a string/);
  });
});
