#!/usr/bin/env node
// A stand-in for `rapport serve` to develop and test the UI without the C++ server: same command
// line (`serve --listen HOST:PORT --database PATH`), same "Listening on http://HOST:PORT" line, the
// same security headers, and canned answers for /api/v1/version, /healthz and /metrics. It serves
// the Vite build (RAPPORT_MOCK_DIST, default web/dist) with the single-page fallback.
// RAPPORT_MOCK_UNHEALTHY=1 makes /healthz answer a 503 problem.
// Access control is mocked in memory after the HTTP contract: sign-in with a session cookie and a
// CSRF token (checked on every cookie-authenticated write), the first admin from
// RAPPORT_ADMIN_EMAIL / RAPPORT_ADMIN_PASSWORD, users, API tokens, the permission table, failed
// sign-ins throttled (429 + Retry-After) and a hash-chained audit log with verification. The
// client-card API (contacts, companies, card, import, duplicates…) is in mock_contacts.mjs.
//   RAPPORT_BINARY=web/e2e/mock_server.mjs node --test web/e2e/
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContactsApi } from './mock_contacts.mjs';

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

// --- Access control

const kRoles = ['admin', 'manager', 'agent', 'analyst'];
const kResources = ['system', 'relationships', 'loyalty', 'surveys', 'campaigns', 'support', 'users', 'audit'];
const kGrants = {
  manager: { system: ['read'], relationships: ['read', 'write', 'admin'], loyalty: ['read', 'write', 'admin'],
    surveys: ['read', 'write', 'admin'], campaigns: ['read', 'write', 'admin'], support: ['read', 'write', 'admin'],
    users: ['read'] },
  agent: { relationships: ['read', 'write'], loyalty: ['read'], surveys: ['read'], support: ['read', 'write'] },
  analyst: { system: ['read'], relationships: ['read'], loyalty: ['read'], surveys: ['read'], campaigns: ['read'],
    support: ['read'] },
};
const kLoginFailuresMax = 5;
const kLoginRetryAfterS = 900;
const kPasswordLengthMin = 12;

function permissionsOf(role) {
  const permissions = {};
  for (const resource of kResources) {
    permissions[resource] = role === 'admin' ? ['read', 'write', 'admin'] : [...(kGrants[role]?.[resource] ?? [])];
  }
  return permissions;
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const users = [];
const sessions = new Map();  // cookie value -> { user_id, csrf_token }
const tokens = [];
const audit = [];
const login_failures = new Map();  // lower-cased e-mail -> failed sign-ins in a row

function addUser({ email, display_name, role, password }) {
  const at = now();
  const user = { id: users.length + 1, email: email.toLowerCase(), display_name, role, disabled: false, created_at: at,
    updated_at: at, password };
  users.push(user);
  return user;
}

addUser({ email: process.env.RAPPORT_ADMIN_EMAIL ?? 'admin@localhost', display_name: 'Administrator', role: 'admin',
  password: process.env.RAPPORT_ADMIN_PASSWORD ?? 'correct horse battery' });

const publicUser = ({ password: _password, ...user }) => user;
const publicToken = ({ secret: _secret, ...token }) => token;

function appendAudit(request, actor, action, subject_type, subject_id, details = {}) {
  const previous = audit.at(-1)?.hash ?? '0'.repeat(64);
  const entry = { sequence: audit.length + 1, at: now(), actor, action, subject_type, subject_id,
    remote: request.socket.remoteAddress ?? '', details };
  entry.hash = createHash('sha256').update(previous + JSON.stringify(entry)).digest('hex');
  audit.push(entry);
}

function problem(response, status, code, title, request_id, headers = {}) {
  response.writeHead(status, { ...kSecurityHeaders, 'Content-Type': 'application/problem+json', 'X-Request-Id': request_id,
    ...headers });
  response.end(JSON.stringify({ type: `https://rapport.dev/problems/${code}`, title, status, code, request_id }));
}

function json(response, status, body, request_id, headers = {}) {
  response.writeHead(status, { ...kSecurityHeaders, 'Content-Type': 'application/json', 'X-Request-Id': request_id,
    ...headers });
  response.end(status === 204 ? undefined : JSON.stringify(body));
}

function readBody(request) {
  return new Promise((resolve_body) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => {
      try {
        resolve_body(text === '' ? {} : JSON.parse(text));
      } catch {
        resolve_body(null);
      }
    });
  });
}

function sessionCookie(request) {
  const match = /(?:^|;\s*)rapport_session=([^;]+)/.exec(request.headers.cookie ?? '');
  return match ? match[1] : null;
}

// The principal of a request, or null: { user, session?, token?, role, actor }.
function authenticate(request) {
  const bearer = /^Bearer (rpt_\S+)$/.exec(request.headers.authorization ?? '');
  if (bearer) {
    const token = tokens.find((candidate) => candidate.secret === bearer[1] && candidate.revoked_at === null);
    if (!token) return null;
    token.last_used_at = now();
    return { user: null, token, role: token.role, actor: `token:${token.id}`, name: token.name };
  }
  const cookie = sessionCookie(request);
  const session = cookie ? sessions.get(cookie) : undefined;
  if (!session) return null;
  const user = users.find((candidate) => candidate.id === session.user_id);
  if (!user || user.disabled) return null;
  return { user, session, cookie, role: user.role, actor: `user:${user.id}`, name: user.email };
}

async function handleAccess(request, response, path, request_id) {
  const method = request.method;
  const fail = (status, code, title, headers) => problem(response, status, code, title, request_id, headers);
  const answer = (status, body, headers) => json(response, status, body, request_id, headers);

  if (path === '/api/v1/auth/login' && method === 'POST') {
    const body = await readBody(request);
    const email = String(body?.email ?? '').toLowerCase();
    if ((login_failures.get(email) ?? 0) >= kLoginFailuresMax) {
      return fail(429, 'too_many_attempts', 'Too many sign-in attempts', { 'Retry-After': String(kLoginRetryAfterS) });
    }
    const user = users.find((candidate) => candidate.email === email);
    if (!user || user.disabled || user.password !== body?.password) {
      login_failures.set(email, (login_failures.get(email) ?? 0) + 1);
      appendAudit(request, 'anonymous', 'auth.login_failed', 'user', user?.id ?? null);
      return fail(401, 'unauthenticated', 'Wrong e-mail or password');
    }
    login_failures.delete(email);
    const cookie = randomBytes(24).toString('hex');
    const csrf_token = randomBytes(16).toString('hex');
    sessions.set(cookie, { user_id: user.id, csrf_token });
    appendAudit(request, `user:${user.id}`, 'auth.login', 'user', user.id);
    return answer(200, { user: publicUser(user), csrf_token },
      { 'Set-Cookie': `rapport_session=${cookie}; HttpOnly; SameSite=Lax; Path=/` });
  }

  const principal = authenticate(request);
  if (!principal) return fail(401, 'unauthenticated', 'Sign in first');
  if (method !== 'GET' && method !== 'HEAD' && principal.session &&
      request.headers['x-csrf-token'] !== principal.session.csrf_token) {
    return fail(403, 'csrf', 'Missing or wrong CSRF token');
  }
  const allowed = (resource, action) => permissionsOf(principal.role)[resource].includes(action);
  const require = (resource, action) => {
    if (allowed(resource, action)) return true;
    fail(403, 'permission_denied', 'Not allowed');
    return false;
  };

  if (path === '/api/v1/auth/session' && method === 'GET') {
    return answer(200, {
      user: principal.user ? publicUser(principal.user) : null,
      principal: { kind: principal.user ? 'user' : 'token', name: principal.name, role: principal.role },
      ...(principal.session ? { csrf_token: principal.session.csrf_token } : {}),
      permissions: permissionsOf(principal.role),
    });
  }
  if (path === '/api/v1/auth/logout' && method === 'POST') {
    if (principal.cookie) sessions.delete(principal.cookie);
    appendAudit(request, principal.actor, 'auth.logout', 'user', principal.user?.id ?? null);
    return answer(204, null, { 'Set-Cookie': 'rapport_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0' });
  }
  if (path === '/api/v1/auth/password' && method === 'POST') {
    const body = await readBody(request);
    if (!principal.user) return fail(403, 'permission_denied', 'Only users have passwords');
    if (principal.user.password !== body?.current_password) return fail(401, 'unauthenticated', 'Wrong current password');
    if (String(body?.new_password ?? '').length < kPasswordLengthMin) return fail(422, 'weak_password', 'The password is too short');
    principal.user.password = body.new_password;
    for (const [cookie, session] of sessions) if (session.user_id === principal.user.id) sessions.delete(cookie);
    appendAudit(request, principal.actor, 'user.password_change', 'user', principal.user.id);
    return answer(204, null);
  }
  if (path === '/api/v1/users' && method === 'GET') {
    if (!require('users', 'read')) return;
    return answer(200, { items: users.map(publicUser) });
  }
  if (path === '/api/v1/users' && method === 'POST') {
    if (!require('users', 'admin')) return;
    const body = await readBody(request);
    if (!body || typeof body.email !== 'string' || !kRoles.includes(body.role)) return fail(400, 'bad_request', 'Invalid user');
    if (String(body.password ?? '').length < kPasswordLengthMin) return fail(422, 'weak_password', 'The password is too short');
    if (users.some((user) => user.email === body.email.toLowerCase())) return fail(409, 'email_taken', 'E-mail taken');
    const user = addUser({ email: body.email, display_name: String(body.display_name ?? ''), role: body.role,
      password: body.password });
    appendAudit(request, principal.actor, 'user.create', 'user', user.id, { email: user.email, role: user.role });
    return answer(201, publicUser(user));
  }
  const user_match = /^\/api\/v1\/users\/(\d+)$/.exec(path);
  if (user_match) {
    const user = users.find((candidate) => candidate.id === Number(user_match[1]));
    if (method === 'GET') {
      if (!require('users', 'read')) return;
      return user ? answer(200, publicUser(user)) : fail(404, 'not_found', 'No such user');
    }
    if (method === 'PATCH') {
      if (!require('users', 'admin')) return;
      if (!user) return fail(404, 'not_found', 'No such user');
      const body = (await readBody(request)) ?? {};
      if (body.role !== undefined && !kRoles.includes(body.role)) return fail(400, 'bad_request', 'Unknown role');
      if (body.password !== undefined && String(body.password).length < kPasswordLengthMin) {
        return fail(422, 'weak_password', 'The password is too short');
      }
      // One audit record per change, named as the server names them.
      const kChangeActions = { role: () => 'user.role_change', disabled: (value) => (value ? 'user.disable' : 'user.enable'),
        password: () => 'user.password_reset', display_name: () => 'user.rename' };
      for (const [key, action] of Object.entries(kChangeActions)) {
        if (body[key] === undefined) continue;
        user[key] = body[key];
        appendAudit(request, principal.actor, action(body[key]), 'user', user.id, key === 'password' ? {} : { [key]: body[key] });
      }
      user.updated_at = now();
      return answer(200, publicUser(user));
    }
  }
  if (path === '/api/v1/tokens' && method === 'GET') {
    if (!require('users', 'read')) return;
    return answer(200, { items: tokens.map(publicToken) });
  }
  if (path === '/api/v1/tokens' && method === 'POST') {
    if (!require('users', 'admin')) return;
    const body = await readBody(request);
    if (!body || typeof body.name !== 'string' || body.name === '' || !kRoles.includes(body.role)) {
      return fail(400, 'bad_request', 'Invalid token');
    }
    const token = { id: tokens.length + 1, name: body.name, role: body.role, created_by: principal.user?.id ?? null,
      created_at: now(), last_used_at: null, revoked_at: null, secret: `rpt_${randomBytes(24).toString('hex')}` };
    tokens.push(token);
    appendAudit(request, principal.actor, 'token.create', 'token', token.id, { name: token.name, role: token.role });
    return answer(201, { token: publicToken(token), secret: token.secret });
  }
  const token_match = /^\/api\/v1\/tokens\/(\d+)$/.exec(path);
  if (token_match && method === 'DELETE') {
    if (!require('users', 'admin')) return;
    const token = tokens.find((candidate) => candidate.id === Number(token_match[1]));
    if (!token) return fail(404, 'not_found', 'No such token');
    token.revoked_at ??= now();
    appendAudit(request, principal.actor, 'token.revoke', 'token', token.id, { name: token.name });
    return answer(200, publicToken(token));
  }
  if (path === '/api/v1/audit' && method === 'GET') {
    if (!require('audit', 'read')) return;
    const query = new URL(request.url, 'http://x').searchParams;
    const before = query.has('before') ? Number(query.get('before')) : Infinity;
    const limit = Math.min(Number(query.get('limit') ?? 50), 500);
    const actor = query.get('actor');
    const action = query.get('action') ?? '';
    const matching = audit
      .filter((entry) => entry.sequence < before && (!actor || entry.actor === actor) && entry.action.startsWith(action))
      .reverse();
    const page = matching.slice(0, limit);
    const next = matching.length > limit ? String(page.at(-1).sequence) : null;
    return answer(200, { items: page, next });
  }
  if (path === '/api/v1/audit/verify' && method === 'GET') {
    if (!require('audit', 'read')) return;
    return answer(200, { ok: true, rows_verified: audit.length, fault: 'none', broken_sequence: 0 });
  }
  return fail(404, 'not_found', 'Not found');
}

const contacts_api = createContactsApi();

function readText(request) {
  return new Promise((resolve_body) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => resolve_body(text));
  });
}

// Authenticates like handleAccess, then lets mock_contacts.mjs answer; false when no route matched.
async function handleContacts(request, response, path, request_id) {
  const fail = (status, code, title, headers) => problem(response, status, code, title, request_id, headers);
  const principal = authenticate(request);
  if (!principal) {
    fail(401, 'unauthenticated', 'Sign in first');
    return true;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD' && principal.session &&
      request.headers['x-csrf-token'] !== principal.session.csrf_token) {
    fail(403, 'csrf', 'Missing or wrong CSRF token');
    return true;
  }
  const url = new URL(request.url, 'http://x');
  return contacts_api.handle(request, {
    method: request.method,
    path,
    query: url.searchParams,
    principal,
    allowed: (resource, action) => permissionsOf(principal.role)[resource].includes(action),
    answer: (status, body, headers) => json(response, status, body, request_id, headers),
    fail,
    problem: (status, code, title, extra = {}) => {
      response.writeHead(status, { ...kSecurityHeaders, 'Content-Type': 'application/problem+json', 'X-Request-Id': request_id });
      response.end(JSON.stringify({ type: `https://rapport.dev/problems/${code}`, title, status, code, request_id, ...extra }));
    },
    sendRaw: (status, type, body, headers = {}) => {
      response.writeHead(status, { ...kSecurityHeaders, 'Content-Type': type, 'X-Request-Id': request_id, ...headers });
      response.end(body);
    },
    readJson: () => readBody(request),
    readText: () => readText(request),
  });
}

function isAccessPath(path) {
  return path.startsWith('/api/v1/auth/') || /^\/api\/v1\/(users|tokens|audit)(\/|$)/.test(path);
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
  if (isAccessPath(path)) {
    handleAccess(request, response, path, request_id).catch((error) => {
      console.error(error);
      problem(response, 500, 'internal', 'Internal error', request_id);
    });
    return;
  }
  if (path.startsWith('/api/')) {
    handleContacts(request, response, path, request_id).then(
      (handled) => {
        if (!handled && !response.headersSent) {
          send(response, 404, 'application/problem+json', JSON.stringify({
            title: 'Not found', status: 404, code: 'not_found', instance: path, request_id }), request_id);
        }
      },
      (error) => {
        console.error(error);
        if (!response.headersSent) problem(response, 500, 'internal', 'Internal error', request_id);
      },
    );
    return;
  }
  serveFile(request, response, request_id);
});

const { host, port } = parseListen(process.argv.slice(2));
server.listen(port, host, () => {
  console.log(`Listening on http://${host}:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
