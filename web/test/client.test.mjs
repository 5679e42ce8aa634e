// Unit tests of src/api/client.ts with a stubbed fetch: credentials and the CSRF header on writes,
// the unauthorized listener, problem parsing and Retry-After.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { importTs } from './load_ts.mjs';

const client = await importTs('src/api/client.ts');
const original_fetch = globalThis.fetch;
let calls = [];

function answer(status, body, headers = {}) {
  globalThis.fetch = async (path, init) => {
    calls.push({ path, init });
    const text = body === null ? null : JSON.stringify(body);
    return new Response(text, { status, headers: { 'Content-Type': 'application/json', ...headers } });
  };
}

afterEach(() => {
  globalThis.fetch = original_fetch;
  calls = [];
  client.setCsrfToken(null);
  client.setUnauthorizedListener(null);
});

test('every request sends same-origin credentials; GET never carries the CSRF token', async () => {
  client.setCsrfToken('csrf-1');
  answer(200, { ok: true });
  assert.deepEqual(await client.getJson('/api/v1/users'), { ok: true });
  assert.equal(calls[0].init.credentials, 'same-origin');
  assert.equal(calls[0].init.method, 'GET');
  assert.equal(calls[0].init.headers[client.kCsrfHeader], undefined);
});

test('writes carry the CSRF token and a JSON body', async () => {
  client.setCsrfToken('csrf-2');
  answer(201, { id: 3 });
  assert.deepEqual(await client.sendJson('POST', '/api/v1/tokens', { name: 'a' }), { id: 3 });
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[0].init.headers['X-CSRF-Token'], 'csrf-2');
  assert.equal(calls[0].init.headers['Content-Type'], 'application/json');
  assert.equal(calls[0].init.body, '{"name":"a"}');
  answer(200, { id: 3 });
  await client.sendJson('DELETE', '/api/v1/tokens/3');
  assert.equal(calls[1].init.headers['X-CSRF-Token'], 'csrf-2');
  assert.equal(calls[1].init.body, null);
});

test('without a known token a write goes out without the header (the server answers 403)', async () => {
  answer(204, null);
  assert.equal(await client.sendJson('POST', '/api/v1/auth/logout'), null);
  assert.equal(calls[0].init.headers['X-CSRF-Token'], undefined);
});

test('a 401 tells the listener, unless the caller expects it', async () => {
  let told = 0;
  client.setUnauthorizedListener(() => (told += 1));
  answer(401, { title: 'Sign in first', status: 401, code: 'unauthenticated' }, { 'Content-Type': 'application/problem+json' });
  await assert.rejects(client.getJson('/api/v1/users'), (error) => error.status === 401 && error.problem.code === 'unauthenticated');
  assert.equal(told, 1);
  await assert.rejects(client.sendJson('POST', '/api/v1/auth/login', {}, { notify_unauthorized: false }), { status: 401 });
  assert.equal(told, 1);
});

test('a 403 and a 500 do not tell the unauthorized listener', async () => {
  let told = 0;
  client.setUnauthorizedListener(() => (told += 1));
  answer(403, { title: 'Not allowed', status: 403 });
  await assert.rejects(client.sendJson('PATCH', '/api/v1/users/1', {}), { status: 403 });
  answer(500, { title: 'Broken', status: 500 });
  await assert.rejects(client.getJson('/api/v1/users'), { status: 500 });
  assert.equal(told, 0);
});

test('a 429 carries the seconds from Retry-After and the request id from the header', async () => {
  answer(429, { title: 'Too many' }, { 'Retry-After': '120', 'X-Request-Id': 'req-9' });
  await assert.rejects(client.sendJson('POST', '/api/v1/auth/login', {}), (error) => {
    assert.equal(error.retry_after_s, 120);
    assert.equal(error.request_id, 'req-9');
    return true;
  });
});

test('Retry-After is read as seconds or as an HTTP date, and nonsense is null', () => {
  const now_ms = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(client.parseRetryAfter('30', now_ms), 30);
  assert.equal(client.parseRetryAfter(' 0 ', now_ms), 0);
  assert.equal(client.parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now_ms), 90);
  assert.equal(client.parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now_ms), 0, 'a date in the past: no wait');
  assert.equal(client.parseRetryAfter('soon', now_ms), null);
  assert.equal(client.parseRetryAfter('-5', now_ms), null);
  assert.equal(client.parseRetryAfter(null, now_ms), null);
});

test('a network failure is an ApiError with status 0', async () => {
  globalThis.fetch = async () => {
    throw new TypeError('fetch failed');
  };
  await assert.rejects(client.getJson('/api/v1/users'), (error) => error.name === 'ApiError' && error.status === 0);
});
