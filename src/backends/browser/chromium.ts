// Headless Chromium through puppeteer-core (the system browser: `npm install puppeteer` would
// download its own, which CI machines cannot), with the flags of shared/docs/WEBGPU-ON-CPU.md
// that give WebGPU (and WebGL2) on SwiftShader where there is no GPU.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/lib/chromium/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** $QBSWEEP_CHROMIUM, else the first system Chromium found; undefined when there is none. */
export function findChromium(): string | undefined {
  const env = process.env.QBSWEEP_CHROMIUM;
  if (env) return existsSync(env) ? env : undefined;
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p));
}

/** The flags of WEBGPU-ON-CPU.md; without --enable-unsafe-webgpu navigator.gpu gives no adapter. */
export function chromiumArgs(userDataDir: string, webgpu = true): string[] {
  return [
    '--no-sandbox',
    ...(webgpu ? ['--enable-unsafe-webgpu'] : []),
    '--enable-features=Vulkan',
    '--use-vulkan=swiftshader',
    '--use-webgpu-adapter=swiftshader',
    '--use-angle=swiftshader',
    '--disable-gpu-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--disable-dev-shm-usage',
    `--user-data-dir=${userDataDir}`,
    ...(process.env.QBSWEEP_CHROMIUM_FLAGS ?? '').split(/\s+/).filter(Boolean),
  ];
}

export interface LaunchedChromium {
  browser: Browser;
  executable: string;
  /** closes the browser and removes its fresh profile directory */
  close(): Promise<void>;
}

export class ChromiumMissing extends Error {
  constructor() {
    super(`no Chromium found (looked for ${CHROMIUM_CANDIDATES.join(', ')}; set QBSWEEP_CHROMIUM to another path); on Debian: apt-get install chromium`);
    this.name = 'ChromiumMissing';
  }
}

/** Launches headless Chromium with a fresh profile; `webgpu: false` leaves WebGPU without an adapter. */
export async function launchChromium(opts: { webgpu?: boolean } = {}): Promise<LaunchedChromium> {
  const executable = findChromium();
  if (!executable) throw new ChromiumMissing();
  const profile = mkdtempSync(join(tmpdir(), 'qbsweep-chromium-'));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath: executable,
      headless: true,
      args: chromiumArgs(profile, opts.webgpu ?? true),
      // software WebGPU/WebGL compiles and runs slowly; one call (a block of points) may take minutes
      protocolTimeout: 20 * 60_000,
      defaultViewport: { width: 1400, height: 1000 },
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`Chromium (${executable}) failed to start: ${(e as Error).message.split('\n')[0]}`);
  }
  return {
    browser,
    executable,
    close: async () => {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
