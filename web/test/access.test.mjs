// Unit tests of src/api/access.ts (answer validation, permissions, audit query) and of the pure
// helpers behind the sign-in flow: src/return_path.ts and src/wait_time.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importTs } from './load_ts.mjs';

const access = await importTs('src/api/access.ts');
const paths = await importTs('src/return_path.ts');
const { minutesToWait } = await importTs('src/wait_time.ts');

const kUser = {
  id: 1, email: 'a@b.c', display_name: 'Ann', role: 'admin', disabled: false,
  created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-02T00:00:00Z',
};

test('a session is parsed with its permissions and CSRF token', () => {
  const session = access.parseSession({
    user: kUser,
    principal: { kind: 'user', name: 'a@b.c', role: 'manager' },
    csrf_token: 'c1',
    permissions: { users: ['read'], audit: [] },
  });
  assert.equal(session.user.email, 'a@b.c');
  assert.equal(session.csrf_token, 'c1');
  assert.equal(access.allows(session.permissions, 'users', 'read'), true);
  assert.equal(access.allows(session.permissions, 'users', 'admin'), false);
  assert.equal(access.allows(session.permissions, 'audit', 'read'), false);
  assert.equal(access.allows(session.permissions, 'no_such_resource', 'read'), false, 'deny by default');
});

test('a token session has no user and no CSRF token', () => {
  const session = access.parseSession({ user: null, principal: { kind: 'token', name: 'shop', role: 'analyst' }, permissions: {} });
  assert.equal(session.user, null);
  assert.equal(session.csrf_token, null);
});

test('answers of the wrong shape are refused', () => {
  assert.throws(() => access.parseUser({ ...kUser, id: '1' }));
  assert.throws(() => access.parseUser({ ...kUser, disabled: 'no' }));
  assert.throws(() => access.parseUser(null));
  assert.throws(() => access.parseSession({ user: null, principal: { kind: 'user' }, permissions: {} }));
  assert.throws(() => access.parseSession({ user: null, principal: { kind: 'user', name: 'a', role: 'admin' }, permissions: { users: [1] } }));
  assert.throws(() => access.parseAuditPage({ items: {}, next: null }));
  assert.throws(() => access.parseAuditPage({ items: [], next: {} }));
});

test('a token keeps its nullable dates', () => {
  const token = access.parseToken({ id: 2, name: 'shop', role: 'analyst', created_by: null, created_at: '2026-01-01T00:00:00Z',
    last_used_at: null, revoked_at: '2026-01-03T00:00:00Z' });
  assert.equal(token.created_by, null);
  assert.equal(token.last_used_at, null);
  assert.equal(token.revoked_at, '2026-01-03T00:00:00Z');
});

test('an audit page keeps the order and reads the cursor as a string or a number', () => {
  const entry = (sequence) => ({ sequence, at: '2026-01-01T00:00:00Z', actor: 'user:1', action: 'auth.login',
    subject_type: 'user', subject_id: 1, remote: '127.0.0.1', details: { a: 1 }, hash: 'f'.repeat(64) });
  const page = access.parseAuditPage({ items: [entry(9), entry(8)], next: '8' });
  assert.deepEqual(page.items.map((item) => item.sequence), [9, 8]);
  assert.equal(page.next, '8');
  assert.equal(access.parseAuditPage({ items: [], next: 8 }).next, '8');
  assert.equal(access.parseAuditPage({ items: [], next: null }).next, null);
});

test('the audit query names only the filters that are set', () => {
  assert.equal(access.auditPath({ actor: '', action_prefix: '', before: null }, 50), '/api/v1/audit?limit=50');
  assert.equal(access.auditPath({ actor: ' user:1 ', action_prefix: 'auth.', before: '17' }, 50),
    '/api/v1/audit?before=17&limit=50&actor=user%3A1&action=auth.');
});

test('a chain verification is read with its fault', () => {
  assert.deepEqual(access.parseVerification({ ok: false, rows_verified: 4, fault: 'edited', broken_sequence: 3 }),
    { ok: false, rows_verified: 4, fault: 'edited', broken_sequence: 3 });
  assert.throws(() => access.parseVerification({ ok: 'yes' }));
});

test('the return path after sign-in stays on this site and never loops to the sign-in page', () => {
  assert.equal(paths.safeReturnPath('/users?x=1'), '/users?x=1');
  assert.equal(paths.safeReturnPath(null), '/');
  assert.equal(paths.safeReturnPath('//evil.example/x'), '/');
  assert.equal(paths.safeReturnPath('/\\evil.example'), '/');
  assert.equal(paths.safeReturnPath('https://evil.example/'), '/');
  assert.equal(paths.safeReturnPath('javascript:alert(1)'), '/');
  assert.equal(paths.safeReturnPath('/login?next=%2Fusers'), '/');
  assert.equal(paths.safeReturnPath('/a\nb'), '/');
});

test('the sign-in URL carries where the person was, and reads back the same', () => {
  assert.equal(paths.loginPathFor('/'), '/login');
  assert.equal(paths.loginPathFor('/audit?x=1'), '/login?next=%2Faudit%3Fx%3D1');
  assert.equal(paths.returnPathFromSearch('?next=%2Faudit%3Fx%3D1'), '/audit?x=1');
  assert.equal(paths.returnPathFromSearch('?next=%2F%2Fevil.example'), '/');
  assert.equal(paths.returnPathFromSearch(''), '/');
});

test('the wait is told in whole minutes, rounded up, at least one', () => {
  assert.equal(minutesToWait(0), 1);
  assert.equal(minutesToWait(60), 1);
  assert.equal(minutesToWait(61), 2);
  assert.equal(minutesToWait(900), 15);
});
