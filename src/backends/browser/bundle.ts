// The browser bundles, built in memory with esbuild at serve/test time: the page and the
// harness run the same TypeScript as Node (WebGpuEngine, evaluateOnEngine, resolveSpec, the
// Vega-Lite figure specs, the gpu.js kernel generator), nothing is copied.

import * as esbuild from 'esbuild';
import { packagePath } from '../../paths.js';

const SRC = packagePath('src/web/');

export const BUNDLE_ENTRIES = {
  'app.js': `${SRC}app.ts`,
  'harness.js': `${SRC}harness.ts`,
} as const;

export type BundleName = keyof typeof BUNDLE_ENTRIES;

/** Every name the shared sources import from Node built-ins (a superset is harmless). */
const NODE_NAMES = [
  'Worker', 'parentPort', 'arch', 'cpus', 'platform', 'release', 'totalmem', 'availableParallelism', 'tmpdir',
  'basename', 'dirname', 'join', 'resolve', 'relative', 'extname', 'isAbsolute', 'createHash', 'createRequire',
  'existsSync', 'mkdirSync', 'readFileSync', 'rmSync', 'mkdtempSync', 'readdirSync', 'statSync', 'renameSync',
  'writeFileSync', 'createWriteStream', 'openSync', 'closeSync', 'fsyncSync', 'writeSync', 'unlinkSync',
  'fileURLToPath', 'pathToFileURL', 'createServer',
];

/**
 * Node built-ins reachable from shared files (e.g. evaluateOnEngine's module also holds the Node
 * device code) but never called in the page: each becomes a stub whose functions throw when
 * called (createRequire, which manifest.ts calls at load, returns a require that throws).
 */
const nodeBuiltinStubs: esbuild.Plugin = {
  name: 'node-builtin-stubs',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'node-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'node-stub' }, (args) => ({
      contents: [
        `const fail = (key) => () => { throw new Error(${JSON.stringify(args.path)} + '.' + key + ' is not available in the browser'); };`,
        `for (const key of ${JSON.stringify(NODE_NAMES)}) exports[key] = key === 'createRequire' ? () => fail('require') : fail(key);`,
      ].join('\n'),
      loader: 'js',
    }));
  },
};

let built: Promise<Record<string, Uint8Array>> | undefined;

/** Bundled JS by file name (app.js, harness.js, their .map files); built once per process. */
export function browserBundles(): Promise<Record<string, Uint8Array>> {
  built ??= esbuild
    .build({
      entryPoints: Object.entries(BUNDLE_ENTRIES).map(([out, entry]) => ({ in: entry, out: out.replace(/\.js$/, '') })),
      bundle: true,
      write: false,
      outdir: '/bundle',
      format: 'esm',
      platform: 'browser',
      target: 'chrome120',
      sourcemap: 'linked',
      logLevel: 'silent',
      plugins: [nodeBuiltinStubs],
      // colormap.ts encodes its heatmap rasters with pngjs and Buffer; the page gets small
      // equivalents (stored-deflate PNG, Uint8Array with toString('base64')); the page renders
      // Vega to a canvas, never through resvg (plot.ts imports it for the CLI's PNGs)
      alias: { pngjs: `${SRC}shims/pngjs.ts`, '@resvg/resvg-js': `${SRC}shims/resvg.ts` },
      inject: [`${SRC}shims/buffer.ts`],
      define: { 'process.env.NODE_ENV': '"production"' },
    })
    .then((r) => Object.fromEntries(r.outputFiles.map((f) => [f.path.replace(/^.*\//, ''), f.contents])))
    .catch((e: Error) => {
      built = undefined;
      throw new Error(`building the browser bundle failed: ${e.message.split('\n').slice(0, 6).join(' ')}`);
    });
  return built;
}
