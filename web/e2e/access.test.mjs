// Browser tests of access control against a real `rapport serve` (see harness.mjs), whose first
// admin has a known password. They run in order and share the browser's cookies: sign-in through
// the form (a wrong password first), adding and managing a user, creating a token whose secret is
// shown once and revoking it, the audit log listing those actions with an intact chain, a
// manager's narrower view, changing one's own password, an expired session returning to where the person was, signing out,
// throttled sign-in attempts, and the sign-in page in Russian. Any console error (a CSP violation is one) fails a test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dropConsoleErrors, errorsOf, kAdminEmail, launchBrowser, openPage, saveScreenshot, signIn, startEnglishPage } from './harness.mjs';

const kWaitMs = 30_000;  // an upper bound for the page to reach a state, never a performance check
const kUserEmail = 'ann.manager@example.com';
const kUserName = 'Ann <b>Example</b>';  // markup in user text must show as text
const kUserPassword = 'ann-initial-password-1';
const kUserResetPassword = 'ann-reset-password-22';
const kUserOwnPassword = 'ann-chosen-password-333';
const kTokenName = 'shop-export';
const kThrottleAttemptsMax = 10;  // above the server's per-account limit, below its per-address one

let server;
let browser;
let page;

before(async () => {
  ({ server, browser, page } = await startEnglishPage());
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function navigation() {
  return page.getByRole('navigation', { name: 'Main navigation' });
}

async function noErrors() {
  assert.deepEqual(errorsOf(page), []);
}

test('a deep link asks to sign in; a wrong password is refused, the right one returns to the page', async () => {
  await page.goto(`${server.url}/users`);
  await page.waitForURL(`${server.url}/login?next=%2Fusers`);
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor({ timeout: kWaitMs });

  await signInExpectingError('not-the-password');
  await page.getByRole('alert').filter({ hasText: 'Wrong e-mail or password.' }).waitFor({ timeout: kWaitMs });
  assert.equal(await page.getByTestId('current-user').count(), 0);

  await signIn(page);
  await page.waitForURL(`${server.url}/users`);
  await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
  assert.equal((await page.getByTestId('current-role').textContent())?.trim(), 'Administrator');
  for (const name of ['Overview', 'System', 'Users', 'API tokens', 'Audit log']) {
    await navigation().getByRole('link', { name }).waitFor();
  }
  await page.locator(`[data-testid="user-row"][data-email="${kAdminEmail}"]`).waitFor({ timeout: kWaitMs });
  await noErrors();
});

async function signInExpectingError(password) {
  const form = page.getByTestId('login-form');
  await form.locator('input[name="email"]').fill(kAdminEmail);
  await form.locator('input[name="password"]').fill(password);
  await form.locator('button[type="submit"]').click();
}

test('an admin adds a user, changes the role, disables, enables and resets the password', async () => {
  const form = page.getByTestId('add-user-form');
  await form.getByLabel('E-mail').fill(kUserEmail);
  await form.getByLabel('Name').fill(kUserName);
  await form.getByLabel('Role').selectOption('agent');
  await form.getByLabel('Initial password').fill(kUserPassword);
  await form.getByRole('button', { name: 'Add user' }).click();
  await page.getByTestId('users-notice').filter({ hasText: `User ${kUserEmail} added.` }).waitFor({ timeout: kWaitMs });

  const row = page.locator(`[data-testid="user-row"][data-email="${kUserEmail}"]`);
  await row.waitFor({ timeout: kWaitMs });
  assert.equal(await row.locator('td').nth(1).textContent(), kUserName, 'the name is shown as text, not markup');
  assert.equal(await row.locator('b').count(), 0);

  await row.getByLabel(`Role of ${kUserEmail}`).selectOption('manager');
  await page.getByTestId('users-notice').filter({ hasText: `User ${kUserEmail} updated.` }).waitFor({ timeout: kWaitMs });
  assert.equal(await row.getByLabel(`Role of ${kUserEmail}`).inputValue(), 'manager');

  await row.getByRole('button', { name: 'Disable' }).click();
  await row.locator('.badge--bad', { hasText: 'Disabled' }).waitFor({ timeout: kWaitMs });
  await row.getByRole('button', { name: 'Enable' }).click();
  await row.locator('.badge--ok', { hasText: 'Active' }).waitFor({ timeout: kWaitMs });

  await row.getByRole('button', { name: 'Reset password' }).click();
  await row.getByLabel(`New password for ${kUserEmail}`).fill(kUserResetPassword);
  await row.getByRole('button', { name: 'Save password' }).click();
  await page.getByTestId('users-notice').filter({ hasText: `The password of ${kUserEmail} was reset.` }).waitFor({ timeout: kWaitMs });
  await saveScreenshot(page, 'users.png');
  await noErrors();
});

test('an admin creates a token whose secret is shown once, then revokes it', async () => {
  await navigation().getByRole('link', { name: 'API tokens' }).click();
  await page.waitForURL(`${server.url}/tokens`);
  const form = page.getByTestId('create-token-form');
  await form.getByLabel('Name').fill(kTokenName);
  await form.getByLabel('Role').selectOption('analyst');
  await form.getByRole('button', { name: 'Create token' }).click();

  const panel = page.getByTestId('token-secret-panel');
  await panel.waitFor({ timeout: kWaitMs });
  const secret = await page.getByTestId('token-secret').inputValue();
  assert.match(secret, /^rpt_\S+$/);
  await panel.getByText('shown only once').waitFor();
  const row = page.locator(`[data-testid="token-row"][data-name="${kTokenName}"]`);
  await row.waitFor({ timeout: kWaitMs });
  assert.equal(await row.locator('td').nth(1).textContent(), 'Analyst');

  await panel.getByRole('button', { name: 'I have saved it' }).click();
  await panel.waitFor({ state: 'detached' });
  assert.ok(!(await page.content()).includes(secret), 'the secret is gone from the page once dismissed');

  await row.getByRole('button', { name: 'Revoke' }).click();
  await row.getByText(`Revoke token “${kTokenName}”?`).waitFor();
  await row.getByRole('button', { name: 'Yes, revoke' }).click();
  await page.getByTestId('tokens-notice').filter({ hasText: `Token ${kTokenName} revoked.` }).waitFor({ timeout: kWaitMs });
  await row.locator('.badge--bad', { hasText: 'Revoked' }).waitFor({ timeout: kWaitMs });
  assert.equal(await row.getByRole('button', { name: 'Revoke' }).count(), 0);
  await noErrors();
});

test('the audit log lists those actions, filters by action prefix and verifies intact', async () => {
  await navigation().getByRole('link', { name: 'Audit log' }).click();
  await page.waitForURL(`${server.url}/audit`);
  for (const action of ['user.create', 'token.create', 'token.revoke']) {
    await page.locator(`[data-testid="audit-row"][data-action="${action}"]`).first().waitFor({ timeout: kWaitMs });
  }
  const sequences = await page.locator('[data-testid="audit-row"] td:first-child').allTextContents();
  const numbers = sequences.map(Number);
  assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a), 'newest first');

  const filters = page.getByTestId('audit-filters');
  await filters.getByLabel('Action starts with').fill('token.');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await page.locator('[data-testid="audit-row"][data-action="user.create"]').waitFor({ state: 'detached', timeout: kWaitMs });
  // The list is replaced, not filtered in place: wait for the new rows before reading them.
  for (const action of ['token.create', 'token.revoke']) {
    await page.locator(`[data-testid="audit-row"][data-action="${action}"]`).first().waitFor({ timeout: kWaitMs });
  }
  const actions = await page.locator('[data-testid="audit-row"]').evaluateAll((rows) => rows.map((row) => row.dataset.action));
  assert.ok(actions.length >= 2);
  assert.ok(actions.every((action) => action.startsWith('token.')), actions.join(','));

  await page.getByRole('button', { name: 'Verify chain' }).click();
  const result = page.getByTestId('verify-result');
  await result.waitFor({ timeout: kWaitMs });
  assert.equal(await result.getAttribute('data-ok'), 'true');
  assert.match((await result.textContent()) ?? '', /The chain is intact: \d+ entries verified\./);
  await noErrors();
});

test('an ended session sends the person to sign in and back to where they were', async () => {
  await browser.context.clearCookies();
  await navigation().getByRole('link', { name: 'Users' }).click();
  await page.waitForURL(`${server.url}/login?next=%2Fusers`, { timeout: kWaitMs });
  await page.getByTestId('login-notice').filter({ hasText: 'Your session has ended.' }).waitFor();
  await signIn(page);
  await page.waitForURL(`${server.url}/users`);
  await noErrors();
});

test('the audit page loads older entries with "Load more" and reports a broken chain', async () => {
  // Canned answers: the page's paging and fault reporting, whatever the real log holds.
  const entry = (sequence, details) => ({ sequence, at: '2026-01-01T00:00:00Z', actor: 'user:1', action: 'auth.login',
    subject_type: 'session', subject_id: sequence, remote: '127.0.0.1', details, hash: 'a'.repeat(64) });
  const kMarkup = '<img src=x onerror=alert(1)>';
  const audit_queries = [];
  await page.route('**/api/v1/audit?*', (route) => {
    const query = new URL(route.request().url()).searchParams;
    audit_queries.push(query.get('before'));
    const body = query.get('before') === '2' ? { items: [entry(1, {})], next: null }
      : { items: [entry(3, { note: kMarkup }), entry(2, {})], next: '2' };
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
  });
  await page.route('**/api/v1/audit/verify', (route) => route.fulfill({ status: 200, contentType: 'application/json',
    body: JSON.stringify({ ok: false, rows_verified: 3, fault: 'edited', broken_sequence: 2 }) }));
  try {
    await navigation().getByRole('link', { name: 'Audit log' }).click();
    await page.locator('[data-testid="audit-row"]').nth(1).waitFor({ timeout: kWaitMs });
    assert.equal(await page.locator('img[src="x"]').count(), 0, 'details are text, not markup');
    await page.getByText(JSON.stringify({ note: kMarkup })).waitFor();  // shown as text
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByText('No older entries.').waitFor({ timeout: kWaitMs });
    const sequences = await page.locator('[data-testid="audit-row"] td:first-child').allTextContents();
    assert.deepEqual(sequences, ['3', '2', '1']);
    assert.deepEqual(audit_queries, [null, '2']);

    await page.getByRole('button', { name: 'Verify chain' }).click();
    const result = page.getByTestId('verify-result');
    await result.waitFor({ timeout: kWaitMs });
    assert.equal(await result.getAttribute('data-ok'), 'false');
    assert.match((await result.textContent()) ?? '', /The chain is broken at entry 2: an entry was changed\./);
  } finally {
    await page.unrouteAll();
  }
  await noErrors();
});

test('a refused call says "not allowed", a throttled one how long to wait', async () => {
  const answers = [
    { status: 403, headers: {}, body: { title: 'Forbidden', status: 403, code: 'permission_denied' } },
    { status: 429, headers: { 'Retry-After': '30' }, body: { title: 'Too Many Requests', status: 429, code: 'rate_limited' } },
  ];
  await page.route('**/api/v1/tokens', (route) => {
    const answer = answers.shift() ?? { status: 200, headers: {}, body: { items: [] } };
    return route.fulfill({ status: answer.status, headers: answer.headers, contentType: 'application/problem+json',
      body: JSON.stringify(answer.body) });
  });
  try {
    await navigation().getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('alert').filter({ hasText: 'You are not allowed to do this.' }).waitFor({ timeout: kWaitMs });
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('alert').filter({ hasText: 'Too many requests. Try again in 30 s.' }).waitFor({ timeout: kWaitMs });
  } finally {
    await page.unrouteAll();
  }
  assert.equal(await page.getByTestId('current-user').count(), 1, 'still signed in');
  dropConsoleErrors(page, /status of (403|429) /);  // this test's own doing
  await noErrors();
});

test('sign out returns to the sign-in page and the session is gone', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${server.url}/login`);
  await page.getByTestId('login-notice').filter({ hasText: 'You have signed out.' }).waitFor({ timeout: kWaitMs });
  await page.goto(`${server.url}/audit`);
  await page.waitForURL(`${server.url}/login?next=%2Faudit`);
  await page.getByTestId('login-form').waitFor({ timeout: kWaitMs });
  await noErrors();
});

test('a manager sees users and tokens read-only and no audit log', async () => {
  await signIn(page, { email: kUserEmail, password: kUserResetPassword });
  await page.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor({ timeout: kWaitMs });  // /audit
  assert.equal((await page.getByTestId('current-role').textContent())?.trim(), 'Manager');
  await navigation().getByRole('link', { name: 'Users' }).waitFor();
  assert.equal(await navigation().getByRole('link', { name: 'Audit log' }).count(), 0);

  await navigation().getByRole('link', { name: 'Users' }).click();
  await page.locator(`[data-testid="user-row"][data-email="${kUserEmail}"]`).waitFor({ timeout: kWaitMs });
  assert.equal(await page.getByTestId('add-user-form').count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Disable' }).count(), 0);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByTestId('login-form').waitFor({ timeout: kWaitMs });
  await noErrors();
});

test('a person changes their own password, which ends the session, and signs in with the new one', async () => {
  await signIn(page, { email: kUserEmail, password: kUserResetPassword });
  await page.getByTestId('current-user').click();
  await page.waitForURL(`${server.url}/account`);
  const form = page.getByTestId('password-form');
  await form.getByLabel('Current password', { exact: true }).fill('not-my-password-at-all');
  await form.getByLabel('New password', { exact: true }).fill(kUserOwnPassword);
  await form.getByLabel('Repeat the new password').fill(`${kUserOwnPassword}x`);
  await form.getByRole('button', { name: 'Change password' }).click();
  await page.getByRole('alert').filter({ hasText: 'The two new passwords differ.' }).waitFor({ timeout: kWaitMs });

  await form.getByLabel('Repeat the new password').fill(kUserOwnPassword);
  await form.getByRole('button', { name: 'Change password' }).click();
  await page.getByRole('alert').filter({ hasText: 'The current password is wrong.' }).waitFor({ timeout: kWaitMs });
  // The contract answers a wrong current password with 401, the server at the time of writing with
  // 400 (its problem detail says the same words); the page shows either, the console logs both.
  dropConsoleErrors(page, /status of (400|401) /);

  await form.getByLabel('Current password', { exact: true }).fill(kUserResetPassword);
  await form.getByRole('button', { name: 'Change password' }).click();
  await page.getByTestId('login-notice').filter({ hasText: 'Sign in with the new password.' }).waitFor({ timeout: kWaitMs });
  await signIn(page, { email: kUserEmail, password: kUserOwnPassword });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByTestId('login-form').waitFor({ timeout: kWaitMs });
  await noErrors();
});

test('repeated wrong passwords are throttled and the page says how long to wait', async () => {
  const form = page.getByTestId('login-form');
  const throttled = page.getByRole('alert').filter({ hasText: /Too many sign-in attempts\. Try again in \d+ min\./ });
  // The server's threshold is its business: keep failing until it throttles, within a bound.
  for (let attempt = 0; attempt < kThrottleAttemptsMax && !(await throttled.isVisible()); attempt += 1) {
    await form.locator('input[name="email"]').fill(kUserEmail);
    await form.locator('input[name="password"]').fill(`wrong-password-${attempt}`);
    const answered = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/login'), { timeout: kWaitMs });
    await form.locator('button[type="submit"]').click();
    await answered;
    await form.locator('button[type="submit"]:not([disabled])').waitFor({ timeout: kWaitMs });
  }
  await throttled.waitFor({ timeout: kWaitMs });
  dropConsoleErrors(page, /status of 429 /);
  await noErrors();
});

test('the sign-in page speaks Russian in a Russian browser', async () => {
  const russian = await launchBrowser({ locale: 'ru-RU' });
  try {
    const russian_page = await openPage(russian.context);
    await russian_page.goto(`${server.url}/`);
    await russian_page.getByRole('heading', { level: 1, name: 'Вход' }).waitFor({ timeout: kWaitMs });
    assert.equal(await russian_page.locator('html').getAttribute('lang'), 'ru');
    const form = russian_page.getByTestId('login-form');
    await form.getByLabel('Электронная почта').fill(kAdminEmail);
    await form.getByLabel('Пароль').fill('not-the-password');
    await form.getByRole('button', { name: 'Войти' }).click();
    await russian_page.getByRole('alert').filter({ hasText: 'Неверная электронная почта или пароль.' }).waitFor({ timeout: kWaitMs });
    assert.deepEqual(errorsOf(russian_page), []);
  } finally {
    await russian.close();
  }
});
