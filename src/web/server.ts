// The explorer's HTTP server (node:http, 127.0.0.1 only): the page, its bundles (built in memory
// by bundle.ts), and the WGSL files under /shaders/. Nothing else on the disk is reachable.

import { readFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeShaderSources } from '../backends/webgpu/nodeDevice.js';
import { browserBundles } from './bundle.js';
import { packagePath } from '../paths.js';

const STATIC_DIR = packagePath('src/web/static/');
const STATIC: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/harness.html': 'harness.html',
  '/style.css': 'style.css',
};
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  map: 'application/json; charset=utf-8',
  wgsl: 'text/plain; charset=utf-8',
};

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const HOST = '127.0.0.1';

/** Starts the server (port 0: any free port); the bundles are built before it listens. */
export async function startServer(opts: { port?: number } = {}): Promise<RunningServer> {
  const bundles = await browserBundles();
  const shaders = nodeShaderSources();
  const send = (res: ServerResponse, status: number, type: string, body: string | Uint8Array) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(body);
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (path in STATIC) {
      const file = STATIC[path];
      return send(res, 200, TYPES[file.split('.').pop()!], readFileSync(STATIC_DIR + file));
    }
    const name = path.slice(1);
    if (name in bundles) return send(res, 200, TYPES[name.split('.').pop()!], bundles[name]);
    if (path.startsWith('/shaders/') && path.slice(9) in shaders) return send(res, 200, TYPES.wgsl, shaders[path.slice(9)]);
    if (path === '/favicon.ico') return send(res, 204, 'text/plain', '');
    return send(res, 404, 'text/plain; charset=utf-8', `not found: ${path}\n`);
  };
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      send(res, 500, 'text/plain; charset=utf-8', `${(e as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
