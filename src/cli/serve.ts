// `qbsweep serve`: the explorer page on http://127.0.0.1:PORT/ (this machine only).

import type { Command } from 'commander';
import { InputError } from '../model/params.js';
import { action, parseNumber } from './common.js';
import { summary } from './common.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .summary(summary('serve'))
    .description(
      'Serve the explorer page on http://127.0.0.1:PORT/ (this machine only). In the page: pick a preset or edit ' +
        'the axes and base parameters, run the sweep on the browser\'s GPU (WebGPU; gpu.js on WebGL2 where the ' +
        'browser has no WebGPU adapter), read every output under the mouse, click a point for its charging curves ' +
        'and |rho_ij| tomography, load a result directory written by `qbsweep sweep`, download CSV, JSON and PNG.\n\n' +
        'The page bundles the same code the command line runs (kernels, validation, figures); it is built in memory ' +
        'when the server starts. Stop the server with Ctrl-C.',
    )
    .option('--port <n>', 'TCP port on 127.0.0.1 (default 8080; 0 picks a free one)')
    .addHelpText('after', '\nExample:\n  qbsweep serve --port 8080    # then open http://127.0.0.1:8080/ in Chrome, Edge or Firefox Nightly')
    .action(
      action(async (opts: Record<string, unknown>) => {
        const port = opts.port === undefined ? 8080 : parseNumber('--port', String(opts.port));
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError(`option --port: must be a whole number from 0 to 65535 (got ${opts.port})`);
        // loaded here: esbuild and the bundle are needed by this command only
        const { startServer } = await import('../backends/browser/server.js');
        let server;
        try {
          server = await startServer({ port });
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EADDRINUSE') throw new InputError(`option --port: port ${port} on 127.0.0.1 is in use (choose another with --port, or 0 for any free port)`);
          if (code === 'EACCES') throw new InputError(`option --port: not allowed to listen on port ${port} (ports below 1024 need privileges)`);
          throw e;
        }
        process.stdout.write(`qbsweep explorer: ${server.url}  (Ctrl-C stops it)\n`);
        const stop = () => {
          void server.close().then(() => process.exit(0));
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      }),
    );
}
