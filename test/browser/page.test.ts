// The explorer page, driven for real in headless Chromium on its WebGPU adapter: a small sweep,
// the heatmap's pixels, the hover read-out against the float64 value of that point, a click for
// the charging curves and tomography, bad input (the CLI's messages next to the fields), a grid
// beyond the adapter's limits, a device lost mid-run, a result directory from `qbsweep sweep`,
// and the CSV/JSON/PNG downloads. Screenshots go to test-output/browser/.

import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, type PointParams, resolvePoint } from '../../src/model/params.js';
import { evaluatePoint } from '../../src/model/point.js';
import { Grid } from '../../src/sweep/grid.js';
import { PRESETS } from '../../src/sweep/presets.js';
import { applyGrid, parseTimeGrid, resolveSpec } from '../../src/sweep/spec.js';
import { toleranceAt } from '../../src/sweep/tolerance.js';
import { type Explorer, browserMissing, canvasColours, clickCell, fieldError, hoverCell, openExplorer, resultOf, runSweepInPage, runtimeOf, shot, type } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { named } from '../helpers/named.js';

let ex: Explorer | undefined;
let skip = '';

beforeAll(async () => {
  skip = browserMissing();
  if (skip) return;
  ex = await openExplorer({ webgpu: true });
  const rt = await runtimeOf(ex.page);
  if (rt.kind !== 'webgpu') {
    const why = `the page has no WebGPU adapter (${rt.why ?? rt.error})`;
    if (process.env.CI) throw new Error(`CI=true but ${why}`);
    skip = why;
  }
}, 120_000);

afterAll(async () => {
  await ex?.close();
});

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error('expected an InputError');
}

const pointOf = (k: number) => ex!.page.evaluate((i) => (window as unknown as { qbsweepExplorer: { point(k: number): PointParams } }).qbsweepExplorer.point(i), k);

describe('the explorer page on WebGPU', () => {
  it('runs a preset on a small grid: progress, a coloured heatmap with axes and colour bar', async (ctx) => {
    if (skip) ctx.skip(skip);
    const page = ex!.page;
    expect(await page.$eval('#engine', (e) => e.textContent)).toMatch(/WebGPU on /);
    await shot(page, 'page-start');
    await type(page, '#grid', '6x5');
    // the grid box writes the axes' sizes (one place for them: issue 18, 32x32 against n 201)
    expect(await page.$$eval('#axes [data-field="n"]', (es) => es.map((e) => (e as HTMLInputElement).value))).toEqual(['', '5', '6']);
    // every text the progress line shows during the run
    await page.evaluate(() => {
      const w = window as unknown as { progressTexts: string[] };
      w.progressTexts = [];
      new MutationObserver(() => w.progressTexts.push(document.querySelector('#progress-text')!.textContent ?? '')).observe(document.querySelector('#progress-text')!, { childList: true, characterData: true, subtree: true });
    });
    const res = await runSweepInPage(page);
    expect(res.error).toBeUndefined();
    expect(res).toMatchObject({ done: 120, count: 120, shape: [4, 5, 6], name: 'fig9' });
    expect(await page.$eval('#progress', (p) => (p as HTMLProgressElement).value)).toBe(120);
    const status = await page.$eval('#status', (e) => e.textContent);
    // the cross-check's verdict, as on the command line, and the kernel compile apart from computing
    expect(status).toMatch(/float64 cross-check of 6 points: PASSED/);
    expect(status).toMatch(/GPU kernels compiled in [\d.]+ s/);
    // a first visit says what compiling costs and that every visit pays it (browsers keep no pipelines)
    const texts = await page.evaluate(() => (window as unknown as { progressTexts: string[] }).progressTexts);
    expect(texts).toContain('compiling GPU kernels (up to a minute on a software GPU; on every visit: browsers do not keep compiled WebGPU pipelines between page loads) ...');
    expect(Number(await page.evaluate(() => localStorage.getItem('qbsweep.compileSeconds')))).toBeGreaterThan(0);
    // four panels of colour, axis titles with units, a colour bar
    expect(await canvasColours(page, '#heatmap canvas')).toBeGreaterThan(40);
    await shot(page, 'page-sweep');
    await shot(page, 'page-heatmap', '#heatmap-wrap');
    expect(ex!.errors).toEqual([]);
  }, 180_000);

  it('the hover read-out shows every output of the point under the mouse, equal to its float64 value', async (ctx) => {
    if (skip) ctx.skip(skip);
    const page = ex!.page;
    for (const [panel, ix, iy] of [[1, 4, 3], [3, 5, 0], [0, 0, 4]]) {
      const { index, values } = await hoverCell(page, panel, ix, iy);
      const p = named(await pointOf(index));
      const ref = evaluatePoint(p);
      const at = { gap: ref.liouvillian_gap, radius: ref.spectral_radius, tau: p.tau };
      // the axis values shown are the point's
      expect(Number(values.Delta)).toBeCloseTo(p.Delta1 - p.Delta2, 5);
      expect(Number(values.Tbar)).toBeCloseTo((p.T1 + p.T2) / 2, 5);
      const want: Record<string, number> = {
        efficiency: ref.efficiency,
        E_B_over_omega: ref.E_B_over_omega,
        ergotropy_over_omega: ref.ergotropy_over_omega,
        concurrence: ref.concurrence,
        'steady.efficiency': ref.steady.efficiency,
      };
      for (const [c, v] of Object.entries(want)) {
        // 6 decimals shown: the rounding adds 5e-7 to the engine tolerance
        expect(Math.abs(Number(values[c]) - v), `${c} at point ${index}`).toBeLessThanOrEqual(toleranceAt(c, at)! + 5e-7);
      }
    }
    await shot(page, 'page-hover', '#view');
  }, 60_000);

  it('a click on a point shows its charging curves (the times program) and the tomography |rho_ij|', async (ctx) => {
    if (skip) ctx.skip(skip);
    const page = ex!.page;
    // the page scrolled to the top: the point panel is below the fold until clicked
    await page.evaluate(() => document.querySelector('#view')!.scrollTo(0, 0));
    const d = await clickCell(page, 1, 4, 3);
    expect(d.state, d.status).toBe('done');
    // the clicked point is marked on the map, and its curves are scrolled into view
    const cell = await page.evaluate(() => (window as unknown as { qbsweepExplorer: { cellCentre(p: number, x: number, y: number): { x: number; y: number; index: number } } }).qbsweepExplorer.cellCentre(1, 4, 3));
    const marker = await page.$eval('#marker', (m) => {
      const r = m.getBoundingClientRect();
      return { hidden: (m as HTMLElement).hidden, index: (m as HTMLElement).dataset.index, x: r.left + r.width / 2, y: r.top + r.height / 2 };
    });
    expect(marker).toMatchObject({ hidden: false, index: String(cell.index) });
    expect(Math.hypot(marker.x - cell.x, marker.y - cell.y)).toBeLessThan(3);
    const curves = await page.$eval('#curves', (e) => ({ top: e.getBoundingClientRect().top, bottom: e.getBoundingClientRect().bottom, height: window.innerHeight }));
    expect(curves.top).toBeGreaterThanOrEqual(0);
    expect(curves.bottom).toBeLessThanOrEqual(curves.height + 1);
    expect(d.status).toMatch(/WebGPU charging curve \(times program\), 240 samples to t = [\d.]+; at τ: P = ([\d.]+) \(float64: \1\)/);
    expect(await page.$eval('#detail-title', (e) => e.textContent)).toMatch(/^Point Tbar = 1, dT = 0\.9, Delta = 2\.4$/);
    expect(await canvasColours(page, '#curves canvas')).toBeGreaterThan(5);
    expect(await canvasColours(page, '#tomography canvas')).toBeGreaterThan(5);
    await shot(page, 'page-point', '#detail');
  }, 120_000);

  it('charging curves on a time grid: the charging figures as maps, cross-checked at every time', async (ctx) => {
    if (skip) ctx.skip(skip);
    const page = ex!.page;
    await type(page, '#times', '0:10');
    expect(await fieldError(page, 'times')).toBe(message(() => parseTimeGrid('0:10', 'charging curves')));
    expect(await fieldError(page, 'times')).toMatch(/^charging curves: expected FROM:TO:N/);
    await type(page, '#times', '0:10:21');
    const res = await runSweepInPage(page);
    expect(res.error).toBeUndefined();
    const options = await page.$$eval('#show option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options).toEqual(expect.arrayContaining(['max_average_power', 'time_of_max_average_power', 'charging_time_90']));
    // the five curves at every time and the three figures are in the page's float64 check too
    expect(await page.$eval('#status', (e) => e.textContent)).toMatch(/float64 cross-check of 6 points: PASSED \(13 outputs/);
    await page.select('#show', 'charging_time_90');
    expect(await canvasColours(page, '#heatmap canvas')).toBeGreaterThan(10);
    await shot(page, 'page-charging', '#heatmap-wrap');
    await type(page, '#times', '');
    expect(ex!.errors).toEqual([]);
  }, 180_000);
});

describe('bad input on the page: the CLI\'s messages, next to the field', () => {
  it('base parameters, axes, grid and the grid corners', async (ctx) => {
    if (skip) ctx.skip(skip);
    const page = ex!.page;
    const field = (key: string) => `#base [data-key="${key}"]`;
    await type(page, field('F'), 'abc');
    await type(page, field('alpha1'), '-1');
    await type(page, field('tau'), 'inf');
    await type(page, '#grid', '7by5');
    expect(await fieldError(page, 'F')).toBe(message(() => resolvePoint({ F: 'abc' })));
    expect(await fieldError(page, 'F')).toBe('parameter F: must be a number (got "abc")');
    expect(await fieldError(page, 'alpha1')).toBe(message(() => resolvePoint({ alpha1: -1 })));
    expect(await fieldError(page, 'tau')).toBe(message(() => resolvePoint({ tau: Infinity })));
    expect(await fieldError(page, 'grid')).toBe(message(() => applyGrid(PRESETS.fig9, '7by5')));
    expect(await page.$eval(field('F'), (e) => e.classList.contains('bad'))).toBe(true);
    await shot(page, 'page-bad-input');
    // Run refuses while anything is wrong
    const before = await resultOf(page);
    await runSweepInPage(page);
    expect(await resultOf(page)).toEqual(before);
    // fixed fields clear their messages
    for (const k of ['F', 'alpha1', 'tau']) await type(page, field(k), '');
    await type(page, '#grid', '');
    expect(await fieldError(page, 'F')).toBe('');
    // an axis: n = 0 on the last axis
    await page.$eval('#axes .axis:nth-child(3) [data-field="n"]', (e) => {
      (e as HTMLInputElement).value = '0';
      e.dispatchEvent(new Event('input', { bubbles: true }));
    });
    const fig9 = structuredClone(PRESETS.fig9);
    fig9.axes[2].n = 0;
    expect(await fieldError(page, 'axes[2]')).toBe(message(() => resolveSpec(fig9)));
    expect(await fieldError(page, 'axes[2]')).toMatch(/^spec axes\[2\] \(Delta\): n must be a whole number >= 1 \(got 0\)$/);
    // a boson temperature below zero at a grid corner (dT = +-2.5 Tbar): Grid.validate's message
    await page.$eval('#axes .axis:nth-child(3) [data-field="n"]', (e) => {
      (e as HTMLInputElement).value = '3';
      e.dispatchEvent(new Event('input', { bubbles: true }));
    });
    for (const [f, v] of [['from', '-2.5'], ['to', '2.5'], ['n', '3']]) {
      await page.$eval(`#axes .axis:nth-child(2) [data-field="${f}"]`, (e, value) => {
        (e as HTMLInputElement).value = value as string;
        e.dispatchEvent(new Event('input', { bubbles: true }));
      }, v);
    }
    await runSweepInPage(page);
    const hot = { ...structuredClone(PRESETS.fig9), name: 'sweep' };
    hot.axes[1] = { ...hot.axes[1], from: -2.5, to: 2.5, n: 3 };
    hot.axes[2] = { ...hot.axes[2], n: 3 };
    const want = message(() => new Grid(resolveSpec(hot)).validate());
    expect(want).toMatch(/parameter T\d: a boson reservoir needs temperature >= 0 .* at grid point Tbar=0\.5, dT=/);
    expect(await fieldError(page, 'spec')).toBe(want);
    await shot(page, 'page-bad-corner');
  }, 60_000);

  it('refuses a grid beyond the adapter\'s limits, with the limit in the message', async (ctx) => {
    if (skip) ctx.skip(skip);
    const page = ex!.page;
    await page.select('#preset', 'fig9');
    await type(page, '#grid', '20000x20000');
    const before = await resultOf(page);
    await runSweepInPage(page);
    const msg = await fieldError(page, 'spec');
    expect(msg).toMatch(/^grid too large for this adapter: 4 x 20000 x 20000 = 1,600,000,000 points need .* at most [\d,]+ points; use a coarser grid/);
    expect(await resultOf(page)).toEqual(before);
  }, 30_000);
});

describe('failures and files', () => {
  it('the cancel button stops a run between blocks and keeps what finished', async (ctx) => {
    if (skip) ctx.skip(skip);
    const page = ex!.page;
    await page.select('#preset', 'fig10');
    // large enough that the run outlasts the click even with warm kernels on a busy machine (blocks grow towards 1 s)
    await type(page, '#grid', '192x144');
    await page.click('#run');
    await page.waitForFunction(() => (document.querySelector('#progress') as HTMLProgressElement).value > 0, { timeout: 120_000, polling: 50 });
    expect(await page.$eval('#cancel', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    await page.click('#cancel');
    await page.waitForFunction(() => !(document.querySelector('#run') as HTMLButtonElement).disabled, { timeout: 60_000 });
    const res = (await resultOf(page))!;
    expect(res.error).toBe('cancelled');
    expect(res.done).toBeGreaterThan(0);
    expect(res.done).toBeLessThan(res.count);
    expect(await fieldError(page, 'spec')).toBe(`cancelled after ${res.done.toLocaleString('en-US')} points (kept)`);
    expect(await page.$eval('#cancel', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
  }, 180_000);

  it('a device lost mid-run: the error is shown, the finished points are kept, the page does not hang', async (ctx) => {
    if (skip) ctx.skip(skip);
    const page = ex!.page;
    await page.select('#preset', 'fig10');
    await type(page, '#grid', '48x40');
    await page.click('#run');
    await page.waitForFunction(() => (document.querySelector('#progress') as HTMLProgressElement).value > 0, { timeout: 120_000, polling: 50 });
    await page.evaluate(() => (window as unknown as { qbsweepExplorer: { loseDevice(): void } }).qbsweepExplorer.loseDevice());
    await page.waitForFunction(() => !(document.querySelector('#run') as HTMLButtonElement).disabled, { timeout: 60_000 });
    const res = (await resultOf(page))!;
    expect(res.error).toMatch(/device lost|destroyed/i);
    expect(res.done).toBeGreaterThan(0);
    expect(res.done).toBeLessThan(res.count);
    expect(await fieldError(page, 'spec')).toMatch(new RegExp(`device lost.*; the ${res.done.toLocaleString('en-US')} finished points are kept`, 'i'));
    expect(await canvasColours(page, '#heatmap canvas')).toBeGreaterThan(5);
    await shot(page, 'page-device-lost');
    // the next run gets a new device
    await type(page, '#grid', '3x2');
    const again = await runSweepInPage(page);
    expect(again.error).toBeUndefined();
    expect(again.done).toBe(24);
  }, 180_000);

  it('loads a result directory written by qbsweep sweep and shows it the same way', async (ctx) => {
    if (skip) ctx.skip(skip);
    const page = ex!.page;
    const dir = mkdtempSync(join(tmpdir(), 'qbsweep-load-'));
    const r = runCli(['sweep', '--preset', 'fig11', '--grid', '5x4', '--backend', 'cpu', '--threads', '2', '--no-png', '--out', dir, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['fig11.csv', 'fig11.json']));
    // the directory picker gets every file of the directory (NAME.h5 too)
    const dirInput = await page.$('#load-dir');
    await (dirInput as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(dir);
    await page.waitForFunction(() => (window as unknown as { qbsweepExplorer: { result(): { name: string } | undefined } }).qbsweepExplorer.result()?.name === 'fig11', { timeout: 30_000 });
    const res = (await resultOf(page))!;
    expect(res).toMatchObject({ done: 80, count: 80, shape: [4, 4, 5] });
    expect(await page.$eval('#result-info', (e) => e.textContent)).toMatch(/fig11 \(fig11\.csv\): 4 x 4 x 5 points, backend cpu, float64/);
    expect(await canvasColours(page, '#heatmap canvas')).toBeGreaterThan(20);
    // the read-out is the CSV's value
    const csv = readFileSync(join(dir, 'fig11.csv'), 'utf8').trim().split('\n');
    const header = csv[0].split(',');
    const { index, values } = await hoverCell(page, 2, 3, 1);
    const row = csv[index + 1].split(',');
    expect(Number(values.efficiency)).toBeCloseTo(Number(row[header.indexOf('efficiency')]), 6);
    expect(Number(values.mubar)).toBeCloseTo(Number(row[header.indexOf('mubar')]), 9);
    // and the form shows its spec
    expect(await page.$eval('#preset', (e) => (e as HTMLSelectElement).value)).toBe('fig11');
    await shot(page, 'page-loaded');
    // two chosen files work as well; a wrong file says why
    const input = await page.$('#load');
    await (input as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(join(dir, 'fig11.json'), join(dir, 'fig11.csv'));
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('loaded fig11.json'), { timeout: 10_000 });
    await (input as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(join(dir, 'fig11.csv'));
    await page.waitForFunction(() => (document.querySelector('[data-err-for="load"]')?.textContent ?? '') !== '', { timeout: 10_000 });
    expect(await fieldError(page, 'load')).toMatch(/^load: choose the NAME\.json manifest and NAME\.csv/);
  }, 120_000);

  it('downloads the current result as CSV (the CLI\'s format), JSON manifest and PNG', async (ctx) => {
    if (skip) ctx.skip(skip);
    const page = ex!.page;
    const dir = mkdtempSync(join(tmpdir(), 'qbsweep-dl-'));
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
    const wait = async (name: string) => {
      for (let i = 0; i < 100 && !existsSync(join(dir, name)); i++) await new Promise((r) => setTimeout(r, 100));
      expect(readdirSync(dir)).toContain(name);
      return readFileSync(join(dir, name));
    };
    await page.click('#dl-csv');
    const csv = (await wait('fig11.csv')).toString().trim().split('\n');
    expect(csv[0]).toBe('mubar,dmu,Delta,efficiency,E_B_over_omega,ergotropy_over_omega,concurrence,steady.efficiency,flags');
    expect(csv.length).toBe(81);
    await page.click('#dl-json');
    const manifest = JSON.parse((await wait('fig11.json')).toString());
    expect(manifest).toMatchObject({ qbsweep: 'sweep result', complete: true, columns: ['efficiency', 'E_B_over_omega', 'ergotropy_over_omega', 'concurrence', 'steady.efficiency'] });
    expect(resolveSpec(manifest.spec).count).toBe(80);
    await page.click('#dl-png');
    const png = PNG.sync.read(await wait('fig11.png'));
    expect(png.width).toBeGreaterThan(1000);
    expect(png.height).toBeGreaterThan(800);
  }, 60_000);
});

describe('the form: a system brings its own sweep, outputs and one place for the grid', () => {
  it('picking xxz loads the xxz preset with its description; only its two reservoirs\' currents are offered; grid and axes agree', async (ctx) => {
    if (skip) ctx.skip(skip);
    const page = ex!.page;
    const visibleOutputs = () => page.$$eval('#outputs label', (ls) => ls.filter((l) => !(l as HTMLElement).hidden).map((l) => l.querySelector('input')!.value));
    // the page's point panel is a two-qubit one: the built-ins and presets of three and four qubits are the command line's
    const options = (sel: string) => page.$$eval(`${sel} option`, (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(await options('#system')).toEqual(['wang2023', 'xxz', 'common-bath', 'file']);
    expect(await options('#preset')).not.toEqual(expect.arrayContaining(['charger-two-cells']));
    expect(await options('#preset')).not.toContain('central-spin');
    expect(await options('#preset')).toContain('xxz');
    await page.select('#system', 'xxz');
    expect(await page.$eval('#preset', (e) => (e as HTMLSelectElement).value)).toBe('xxz');
    expect(await page.$eval('#preset-about', (e) => e.textContent)).toBe(PRESETS.xxz.description);
    expect(await page.$$eval('#axes [data-field="param"]', (es) => es.map((e) => (e as HTMLSelectElement).value))).toEqual(PRESETS.xxz.axes.map((a) => a.param));
    const outputs = await visibleOutputs();
    expect(outputs).toEqual(expect.arrayContaining(['steady.heat_current_1', 'steady.heat_current_2']));
    expect(outputs.filter((o) => /current_[34]|particle_current/.test(o))).toEqual([]);
    // fermion statistics bring the particle currents of the two reservoirs
    await page.select('#base [data-key="reservoir"]', 'fermion');
    expect((await visibleOutputs()).filter((o) => /current/.test(o))).toEqual(['steady.heat_current_1', 'steady.heat_current_2', 'steady.particle_current_1', 'steady.particle_current_2']);
    // and the description goes with the preset: a custom sweep has none
    expect(await page.$eval('#preset', (e) => (e as HTMLSelectElement).value)).toBe('custom');
    expect(await page.$eval('#preset-about', (e) => e.textContent)).toBe('');
    // the grid box writes the axes; an axis size typed writes the grid box
    await type(page, '#grid', '7x4');
    const sizes = () => page.$$eval('#axes [data-field="n"]', (es) => es.map((e) => (e as HTMLInputElement).value));
    expect(await sizes()).toEqual(['', '4', '7']);
    await type(page, '#axes .axis:nth-child(3) [data-field="n"]', '9');
    expect(await page.$eval('#grid', (e) => (e as HTMLInputElement).value)).toBe('9x4');
    await page.select('#system', 'wang2023');
    expect(await page.$eval('#preset', (e) => (e as HTMLSelectElement).value)).toBe('fig9');
    expect(await page.$eval('#preset-about', (e) => e.textContent)).toBe(PRESETS.fig9.description);
    expect(ex!.errors).toEqual([]);
  }, 60_000);
});
