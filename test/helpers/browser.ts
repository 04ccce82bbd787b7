// Headless Chromium for the browser tests: the system browser through puppeteer-core with the
// flags of shared/docs/WEBGPU-ON-CPU.md. Under CI=true a missing browser (or WebGPU adapter)
// fails the run; locally the tests skip with the reason.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { type LaunchedChromium, findChromium, launchChromium } from '../../src/backends/browser/chromium.js';
import { type RunningServer, startServer } from '../../src/backends/browser/server.js';
import { REPO } from './cli.js';

export const SHOTS = join(REPO, 'test-output', 'browser');

/** Why there is no browser here ('' when there is one); under CI=true the absence is an error. */
export function browserMissing(): string {
  if (findChromium()) return '';
  const why = 'no Chromium (apt-get install chromium, or set QBSWEEP_CHROMIUM)';
  if (process.env.CI) throw new Error(`CI=true but ${why}`);
  return why;
}

/** A test that needs Chromium: skipped locally without one, failed under CI. */
export function needsBrowser(ctx: { skip: (note?: string) => void }): void {
  const why = browserMissing();
  if (why) ctx.skip(why);
}

/** Saves a screenshot for people to look at: test-output/browser/NAME.png. */
export async function shot(page: Page, name: string, selector?: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  if (selector) {
    const el = await page.$(selector);
    if (!el) throw new Error(`no ${selector} to photograph`);
    await el.screenshot({ path });
  } else await page.screenshot({ path });
  return path;
}

export interface Explorer {
  page: Page;
  server: RunningServer;
  chromium: LaunchedChromium;
  /** page errors and console errors seen so far */
  errors: string[];
  close(): Promise<void>;
}

type Hooks = {
  ready: Promise<void>;
  runtime(): { kind?: string; why?: string; info?: Record<string, unknown>; error?: string };
  result(): { done: number; count: number; error?: string; columns: string[]; shape: number[]; name: string } | undefined;
};

/** The explorer page in a fresh headless Chromium (webgpu: false leaves navigator.gpu without an adapter). */
export async function openExplorer(opts: { webgpu: boolean; chromium?: LaunchedChromium }): Promise<Explorer> {
  const server = await startServer();
  const chromium = opts.chromium ?? (await launchChromium({ webgpu: opts.webgpu }));
  const page = await chromium.browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/GL Driver|Automatic fallback|favicon/.test(m.text())) errors.push(m.text());
  });
  await page.goto(server.url);
  await page.waitForFunction('!!window.qbsweepExplorer', { timeout: 60_000 });
  await page.evaluate(() => (window as unknown as { qbsweepExplorer: Hooks }).qbsweepExplorer.ready);
  return {
    page,
    server,
    chromium,
    errors,
    close: async () => {
      if (opts.chromium) await page.close().catch(() => undefined);
      else await chromium.close();
      await server.close();
    },
  };
}

export function runtimeOf(page: Page): Promise<ReturnType<Hooks['runtime']>> {
  return page.evaluate(() => (window as unknown as { qbsweepExplorer: Hooks }).qbsweepExplorer.runtime());
}

export function resultOf(page: Page): Promise<ReturnType<Hooks['result']>> {
  return page.evaluate(() => (window as unknown as { qbsweepExplorer: Hooks }).qbsweepExplorer.result());
}

/** Sets an input's value as a person would (and fires its input event). */
export async function type(page: Page, selector: string, value: string): Promise<void> {
  await page.$eval(
    selector,
    (e, v) => {
      (e as HTMLInputElement).value = v as string;
      e.dispatchEvent(new Event('input', { bubbles: true }));
    },
    value,
  );
}

/** Presses Run and waits until the run has ended (finished, failed or cancelled). */
export async function runSweepInPage(page: Page, timeoutMs = 240_000): Promise<NonNullable<ReturnType<Hooks['result']>>> {
  const before = await page.evaluate(() => (window as unknown as { qbsweepRuns?: number }).qbsweepRuns ?? 0);
  await page.click('#run');
  await page.waitForFunction(
    (n) => ((window as unknown as { qbsweepRuns?: number }).qbsweepRuns ?? 0) > (n as number),
    { timeout: timeoutMs, polling: 200 },
    before,
  );
  return (await resultOf(page))!;
}

/** Number of distinct colours in a canvas (a blank or single-colour canvas has 1 or 2). */
export function canvasColours(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    const ctx = canvas.getContext('2d')!;
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 7) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  });
}

/** The hover read-out as {column: text} after moving the mouse to heatmap cell (panel, ix, iy). */
export async function hoverCell(page: Page, panel: number, ix: number, iy: number): Promise<{ index: number; values: Record<string, string> }> {
  await page.$eval('#heatmap', (e) => e.scrollIntoView({ block: 'start' }));
  const c = await page.evaluate((p, x, y) => (window as unknown as { qbsweepExplorer: { cellCentre(p: number, x: number, y: number): { x: number; y: number; index: number } } }).qbsweepExplorer.cellCentre(p, x, y), panel, ix, iy);
  await page.mouse.move(c.x - 3, c.y - 3);
  await page.mouse.move(c.x, c.y, { steps: 2 });
  await page.waitForFunction((k) => {
    const h = document.querySelector('#hover') as HTMLElement;
    return !h.hidden && h.dataset.index === String(k);
  }, { timeout: 10_000 }, c.index);
  const values = await page.$$eval('#hover tr', (rows) => Object.fromEntries(rows.map((r) => [(r as HTMLElement).dataset.key ?? '', (r as HTMLTableRowElement).cells[1].textContent ?? ''])));
  return { index: c.index, values };
}

/** Clicks heatmap cell (panel, ix, iy) and waits for the point panel (charging curves, tomography). */
export async function clickCell(page: Page, panel: number, ix: number, iy: number): Promise<{ state: string; status: string }> {
  const c = await page.evaluate((p, x, y) => (window as unknown as { qbsweepExplorer: { cellCentre(p: number, x: number, y: number): { x: number; y: number } } }).qbsweepExplorer.cellCentre(p, x, y), panel, ix, iy);
  await page.mouse.click(c.x, c.y);
  await page.waitForFunction(() => ['done', 'error'].includes((document.querySelector('#detail') as HTMLElement).dataset.state ?? ''), { timeout: 120_000 });
  return page.$eval('#detail', (d) => ({ state: (d as HTMLElement).dataset.state ?? '', status: d.querySelector('#detail-status')?.textContent ?? '' }));
}

/** The message shown next to a field (data-err-for), '' when none. */
export function fieldError(page: Page, field: string): Promise<string> {
  return page.$eval(`[data-err-for="${field}"]`, (e) => e.textContent ?? '');
}

export { launchChromium, type LaunchedChromium, startServer };
