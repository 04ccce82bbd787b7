// The explorer's HTTP server (node:http, 127.0.0.1 only): the page, its bundles (built in memory
// by bundle.ts), and the WGSL files under /shaders/. Nothing else on the disk is reachable.
// Any web page the user visits can make the browser send requests here, so every request is
// answered from a fixed table (no lookups through object prototypes), a Host other than
// 127.0.0.1/localhost is refused (DNS rebinding), and no request can make the process exit.

import { readFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeShaderSources } from '../webgpu/nodeDevice.js';
import { browserBundles } from './bundle.js';
import { packagePath } from '../../paths.js';

const STATIC_DIR = packagePath('src/web/static/');
const STATIC_FILES: [string, string][] = [
  ['/', 'index.html'],
  ['/index.html', 'index.html'],
  ['/harness.html', 'harness.html'],
  ['/style.css', 'style.css'],
];
const TYPES = new Map<string, string>([
  ['html', 'text/html; charset=utf-8'],
  ['css', 'text/css; charset=utf-8'],
  ['js', 'text/javascript; charset=utf-8'],
  ['map', 'application/json; charset=utf-8'],
  ['wgsl', 'text/plain; charset=utf-8'],
]);
const TEXT = 'text/plain; charset=utf-8';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const HOST = '127.0.0.1';

interface Route {
  type: string;
  body: () => string | Uint8Array;
}

function typeOf(file: string): string {
  return TYPES.get(file.slice(file.lastIndexOf('.') + 1)) ?? 'application/octet-stream';
}

/** Every path the server answers, and nothing else: a Map, so "/__proto__" is just unknown. */
function routes(bundles: Record<string, string | Uint8Array>, shaders: Record<string, string>): Map<string, Route> {
  const table = new Map<string, Route>();
  for (const [path, file] of STATIC_FILES) table.set(path, { type: typeOf(file), body: () => readFileSync(STATIC_DIR + file) });
  for (const [name, body] of Object.entries(bundles)) table.set(`/${name}`, { type: typeOf(name), body: () => body });
  for (const [name, body] of Object.entries(shaders)) table.set(`/shaders/${name}`, { type: typeOf(name), body: () => body });
  return table;
}

/** The Host header a page served from here sends: 127.0.0.1 or localhost, with this port or none. */
export function allowedHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const m = /^(127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?$/i.exec(host);
  return m !== null && (m[2] === undefined || Number(m[2]) === port);
}

/**
 * The Origin of a cross-site request is refused; same-origin requests and navigations may omit it.
 * An Origin names its port unless it is 80 (`http://localhost` is another site on port 80), so
 * only this server's own host and port pass.
 */
export function allowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  const m = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?$/i.exec(origin);
  return m !== null && (m[2] === undefined ? port === 80 : Number(m[2]) === port);
}

/** The decoded path of a request, or undefined when the target is malformed. */
function requestPath(url: string | undefined): string | undefined {
  if (url === undefined || !url.startsWith('/')) return undefined;
  try {
    return decodeURIComponent(new URL(url, 'http://127.0.0.1').pathname);
  } catch {
    return undefined;
  }
}

/** Starts the server (port 0: any free port); the bundles are built before it listens. */
export async function startServer(opts: { port?: number } = {}): Promise<RunningServer> {
  const table = routes(await browserBundles(), nodeShaderSources());
  let port = 0;
  const send = (req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string | Uint8Array) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (!allowedHost(req.headers.host, port)) return send(req, res, 403, TEXT, 'forbidden: Host must be 127.0.0.1 or localhost\n');
    if (!allowedOrigin(req.headers.origin, port)) return send(req, res, 403, TEXT, 'forbidden: cross-origin request\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(req, res, 405, TEXT, 'method not allowed\n');
    const path = requestPath(req.url);
    if (path === undefined) return send(req, res, 400, TEXT, 'bad request: malformed URL\n');
    const route = table.get(path);
    if (route) return send(req, res, 200, route.type, route.body());
    if (path === '/favicon.ico') return send(req, res, 204, TEXT, '');
    return send(req, res, 404, TEXT, 'not found\n');
  };
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      // a failure after the headers went out cannot be reported in this response: drop the connection
      if (res.headersSent) res.destroy();
      else send(req, res, 500, TEXT, 'internal error\n');
      process.stderr.write(`qbsweep serve: ${req.method} ${JSON.stringify(req.url)}: ${(e as Error).message}\n`);
    }
  });
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
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
