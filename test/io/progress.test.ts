// Progress: the rate and the ETA are of computing only, smoothed over recent updates (a slow
// first block does not dominate), shown once meaningful; points loaded by --resume are not computed.

import { describe, expect, it } from 'vitest';
import { Progress } from '../../src/io/progress.js';

function capture(tty: boolean): { stream: NodeJS.WriteStream; lines: () => string[] } {
  let text = '';
  const stream = { isTTY: tty, write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream;
  return { stream, lines: () => text.split(/[\r\n]/).map((l) => l.replace(/\x1b\[K/g, '')).filter(Boolean) };
}

describe('Progress', () => {
  it('gives no ETA from the first update, then one from the smoothed rate of the recent ones', () => {
    const { stream, lines } = capture(true);
    const p = new Progress('fig9', 1000, stream);
    p.restart();
    const t0 = performance.now();
    p.update(100, false, t0 + 500); // 200 points/s
    expect(lines().at(-1)).toMatch(/100\/1,000 points, 200 points\/s, ETA after the first blocks$/);
    p.update(200, false, t0 + 1000); // 200 points/s again: 800 left
    expect(lines().at(-1)).toMatch(/ETA 4\.0 s$/);
    p.update(300, false, t0 + 2000); // 100 points/s: smoothed 0.3 x 100 + 0.7 x 200 = 170 (the average since the start would be 150)
    expect(lines().at(-1)).toMatch(/300\/1,000 points, 170 points\/s, ETA 4\.1 s$/);
    p.update(900, true, t0 + 2200); // loaded from an earlier run: not a rate of 3,000 points/s
    expect(lines().at(-1)).toMatch(/900\/1,000 points, 170 points\/s, ETA 0\.6 s$/);
    p.finish(1000, 2.5);
    expect(lines().at(-1)).toBe('fig9: 1,000 points in 2.5 s of computing (160 points/s)');
  });

  it('prints a rate under 100 points/s to 3 digits (four qubits: 0.163, not 0)', () => {
    const { stream, lines } = capture(false);
    const p = new Progress('central-spin', 49, stream);
    p.restart();
    p.finish(49, 300);
    expect(lines().at(-1)).toBe('central-spin: 49 points in 5 min 0 s of computing (0.163 points/s)');
    const q = new Progress('charger-two-cells', 1681, stream);
    q.restart();
    q.finish(1681, 218);
    expect(lines().at(-1)).toBe('charger-two-cells: 1,681 points in 3 min 38 s of computing (7.71 points/s)');
  });

  it('prints plain lines only once the ETA is meaningful (not a terminal)', () => {
    const { stream, lines } = capture(false);
    const p = new Progress('run', 1000, stream);
    p.restart();
    const t0 = performance.now();
    p.update(300, false, t0 + 300); // 0.3 s of computing, one update: no line yet
    expect(lines()).toEqual([]);
    p.update(600, false, t0 + 1200);
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatch(/^run: 600\/1,000 points, .* points\/s, ETA [\d.]+ s$/);
  });
});
