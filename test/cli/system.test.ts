// User-defined systems through the command line: a system file next to a spec, swept on the
// default backend and checked against float64 point by point; bad system files refused.

import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluatePoint } from '../../src/model/point.js';
import { resolvePoint } from '../../src/model/params.js';
import { REPO, expectOneLineError, runCli, runCliAsync } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'qbsweep-system-'));

describe('a user system file', () => {
  it('sweep --spec with "system": a path relative to the spec: CSV values equal float64 at every point', async () => {
    const dir = tmp();
    copyFileSync(join(REPO, 'test/data/systems/heisenberg-fermion-drude.json'), join(dir, 'mine.json'));
    const sys = JSON.parse(readFileSync(join(dir, 'mine.json'), 'utf8'));
    const [p1, p2] = Object.keys(sys.parameters);
    const spec = { name: 'mine', system: 'mine.json', base: { tau: 30 }, axes: [{ param: p1, from: -1, to: 1, n: 3 }, { param: p2, values: [0.2, 0.9] }], outputs: ['efficiency', 'concurrence', 'steady.efficiency'] };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    const out = join(dir, 'out');
    const r = await runCliAsync(['sweep', '--spec', join(dir, 'spec.json'), '--out', out, '--check', '6']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['mine.csv', 'mine.h5', 'mine.json', 'mine.png']);
    const lines = readFileSync(join(out, 'mine.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe(`${p1},${p2},efficiency,concurrence,steady.efficiency,flags`);
    const m = JSON.parse(readFileSync(join(out, 'mine.json'), 'utf8'));
    // the manifest records the whole definition, and its spec reruns the sweep
    expect(m.system.definition).toEqual(sys);
    expect(m.spec.base.system).toEqual(sys);
    const tol = m.backend.precision === 'float64' ? 1e-12 : 1e-3;
    for (const line of lines.slice(1)) {
      const [a, b, eff, conc, steady] = line.split(',').map(Number);
      const ref = evaluatePoint(resolvePoint({ system: join(dir, 'mine.json'), tau: 30, [p1]: a, [p2]: b }));
      expect(Math.abs(eff - ref.efficiency), line).toBeLessThan(tol);
      expect(Math.abs(conc - ref.concurrence), line).toBeLessThan(tol);
      expect(Math.abs(steady - ref.steady.efficiency), line).toBeLessThan(tol);
    }
  }, 600_000);

  it('point --system FILE --set and the paper-style flags of names the system has', () => {
    const file = 'test/data/systems/heisenberg-fermion-drude.json';
    const r = runCli(['point', '--system', file, '--tau', '50', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const ref = evaluatePoint(resolvePoint({ system: file, tau: 50 }));
    expect(out.efficiency).toBeCloseTo(ref.efficiency, 12);
    expect(out.params.system).toEqual(JSON.parse(readFileSync(join(REPO, file), 'utf8')));
    const xxz = JSON.parse(runCli(['point', '--system', 'xxz', '--set', 'Jz=0.8', '--delta', '1.5', '--json']).stdout);
    expect(xxz.params.Jz).toBe(0.8);
    expect(xxz.params.Delta1 - xxz.params.Delta2).toBeCloseTo(1.5, 14);
    expectOneLineError(runCli(['point', '--system', 'xxz', '--mu', '2']), /^qbsweep: option --mu: system xxz has no mu \(parameters: Delta1, .*\); use --set NAME=VALUE$/);
    expectOneLineError(runCli(['point', '--system', 'xxz', '--set', 'Jq=1']), /^qbsweep: option --set: system xxz has no Jq/);
  });

  it('qbsweep systems lists the built-ins and prints a definition to start from', () => {
    const r = runCli(['systems']);
    expect(r.code).toBe(0);
    for (const n of ['wang2023 (default)', 'xxz:', 'common-bath:']) expect(r.stdout).toContain(n);
    const json = JSON.parse(runCli(['systems', 'xxz', '--json']).stdout);
    expect(json.hamiltonian.ZZ).toBe('Jz');
    expect(runCli(['systems', 'common-bath']).stdout).toMatch(/reservoir 1: boson, coupling \(g1\) XI \+ \(g2\) IX/);
  });

  // every message is checked in test/system/definition.test.ts; here, that the command line keeps it one line, exit 2, no files
  const bad: [string, unknown, RegExp][] = [
    ['unknown Pauli letter', { hamiltonian: { QX: '1' } }, /hamiltonian\."QX": unknown Pauli letter "Q"/],
    ['non-Hermitian coupling', { reservoirs: [{ coupling: { PI: '1' }, statistics: 'boson', T: 'T1', spectral_density: { kind: 'ohmic', alpha: '0.1', omega_c: '5' } }] }, /reservoirs\[0\]\.coupling: not Hermitian/],
    ['unknown name', { hamiltonian: { ZI: 'Delta3/2' } }, /unknown name "Delta3" at column 1/],
  ];
  for (const [what, patch, pattern] of bad) {
    it(`refuses a system file with ${what}: one line, exit 2, no output files`, () => {
      const dir = tmp();
      const base = { name: 'broken', parameters: { Delta1: { default: 0 }, Delta2: { default: 0 } }, hamiltonian: { ZI: 'Delta1/2', IZ: 'Delta2/2', XX: '1' }, reservoirs: [{ coupling: { XI: '1' }, statistics: 'boson', T: '1', spectral_density: { kind: 'ohmic', alpha: '0.1', omega_c: '5' } }] };
      writeFileSync(join(dir, 'broken.json'), JSON.stringify({ ...base, ...(patch as object) }));
      const out = join(dir, 'out');
      const r = runCli(['sweep', '--system', join(dir, 'broken.json'), '--spec', '-', '--out', out, '--backend', 'cpu'], JSON.stringify({ name: 's', axes: [{ param: 'Delta1', values: [0, 1] }] }));
      expectOneLineError(r, pattern);
      expect(r.stderr).toContain('broken.json');
      expect(existsSync(out)).toBe(false);
    });
  }
});
