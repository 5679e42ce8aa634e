#!/usr/bin/env node
// A stand-in for `rapport serve` to develop and test the UI without the C++ server: same command
// line (`serve --listen HOST:PORT --database PATH`), same "Listening on http://HOST:PORT" line, the
// same security headers, and canned answers for /api/v1/version, /healthz and /metrics. It serves
// the Vite build (RAPPORT_MOCK_DIST, default web/dist) with the single-page fallback.
// RAPPORT_MOCK_UNHEALTHY=1 makes /healthz answer a 503 problem.
//   RAPPORT_BINARY=web/e2e/mock_server.mjs node --test web/e2e/
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const kDist = process.env.RAPPORT_MOCK_DIST ?? fileURLToPath(new URL('../dist', import.meta.url));
const kSecurityHeaders = {
  'Content-Security-Policy': "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};
const kTypes = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

function parseListen(argv) {
  if (argv[0] !== 'serve') throw new Error('usage: mock_server.mjs serve --listen HOST:PORT --database PATH');
  const index = argv.indexOf('--listen');
  const listen = index >= 0 ? argv[index + 1] : '127.0.0.1:8080';
  const colon = listen.lastIndexOf(':');
  return { host: listen.slice(0, colon), port: Number(listen.slice(colon + 1)) };
}

let requests_total = 0;
let in_flight = 0;
let request_counter = 0;

function send(response, status, type, body, request_id) {
  response.writeHead(status, { ...kSecurityHeaders, 'Content-Type': type, 'X-Request-Id': request_id });
  response.end(body);
}

function serveFile(request, response, request_id) {
  const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
  let file = normalize(join(kDist, path));
  if (!file.startsWith(kDist)) return send(response, 404, 'text/plain', 'not found', request_id);
  if (!existsSync(file) || statSync(file).isDirectory()) {
    if (extname(path) !== '') return send(response, 404, 'text/plain', 'not found', request_id);
    file = join(kDist, 'index.html');
  }
  send(response, 200, kTypes[extname(file)] ?? 'application/octet-stream', readFileSync(file), request_id);
}

function metrics() {
  return [
    '# HELP http_requests_total HTTP requests served.',
    '# TYPE http_requests_total counter',
    `http_requests_total{method="GET",route="/metrics",status="200"} ${requests_total}`,
    'http_requests_total{method="GET",route="/healthz",status="200"} 3',
    '# HELP http_requests_in_flight HTTP requests being served.',
    '# TYPE http_requests_in_flight gauge',
    `http_requests_in_flight ${in_flight}`,
    '',
  ].join('\n');
}

const server = createServer((request, response) => {
  requests_total += 1;
  in_flight += 1;
  response.on('finish', () => (in_flight -= 1));
  const request_id = `mock-${++request_counter}`;
  const path = new URL(request.url, 'http://x').pathname;
  if (path === '/api/v1/version') {
    return send(response, 200, 'application/json',
      JSON.stringify({ name: 'rapport', version: '0.1.0-mock', store: 'sqlite', api: 'v1' }), request_id);
  }
  if (path === '/healthz') {
    if (process.env.RAPPORT_MOCK_UNHEALTHY === '1') {
      return send(response, 503, 'application/problem+json', JSON.stringify({
        type: 'https://rapport.dev/problems/store_unavailable', title: 'The store is unavailable', status: 503,
        detail: 'The database did not answer.', instance: '/healthz', code: 'store_unavailable', request_id,
      }), request_id);
    }
    return send(response, 200, 'application/json', JSON.stringify({ status: 'ok', store: 'sqlite' }), request_id);
  }
  if (path === '/metrics') return send(response, 200, 'text/plain; version=0.0.4', metrics(), request_id);
  if (path.startsWith('/api/')) {
    return send(response, 404, 'application/problem+json', JSON.stringify({
      title: 'Not found', status: 404, code: 'not_found', instance: path, request_id }), request_id);
  }
  serveFile(request, response, request_id);
});

const { host, port } = parseListen(process.argv.slice(2));
server.listen(port, host, () => {
  console.log(`Listening on http://${host}:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
