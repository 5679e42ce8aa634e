// Browser tests of the loyalty programme against a real `rapport serve` (see harness.mjs), signed
// in as the first admin. They run in order and share one page. Setup goes through the API from
// the page (same cookies, the session's CSRF token): a contact, a manager, and a purchase of
// 120.00 EUR, which the default programme (one point per whole unit, available at once) turns
// into 120 points. Then through the UI: the card's loyalty panel shows the balance (screenshot
// loyalty.png); refunding half takes 60 points back and the statement shows the refund; a
// manager's adjustment appears in the statement, and taking more points than the member has says
// "not enough points"; the rules page saves a changed pending period, and a save based on a
// version someone else replaced shows the conflict; the panel speaks Russian.
// Any console error (a CSP violation is one) fails a test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { callApi, dropConsoleErrors, errorsOf, kNeedsLoyaltyApi, saveScreenshot, signIn, startEnglishPage } from './harness.mjs';

const kWaitMs = 30_000;  // an upper bound for the page to reach a state, never a performance check
const kManagerEmail = 'manager@example.com';
const kManagerPassword = 'e2e-manager-password-0123';

const kOptions = kNeedsLoyaltyApi;

let server;
let browser;
let page;
let contact_id;

before(async () => {
  ({ server, browser, page } = await startEnglishPage({ sign_in_at: '/' }));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function api(method, path, body) {
  return callApi(page, method, path, body);
}

function panel() {
  return page.getByTestId('loyalty-panel');
}

async function balance() {
  return Number(await panel().getByTestId('loyalty-balance').getAttribute('data-points'));
}

async function waitForBalance(points) {
  await panel().locator(`[data-testid="loyalty-balance"][data-points="${points}"]`).waitFor({ timeout: kWaitMs });
}

test('a purchase recorded through the API shows as points on the card', kOptions, async () => {
  const created = await api('POST', '/api/v1/contacts', { first_name: 'Мария', last_name: 'Петрова', email: 'maria@example.com', roles: ['customer'] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  contact_id = created.body.id;
  const purchase = await api('POST', '/api/v1/purchases', {
    contact_id,
    total_minor: 12000,
    currency: 'EUR',
    occurred_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  });
  assert.equal(purchase.status, 201, JSON.stringify(purchase.body));
  assert.equal(purchase.body.points_balance, 120);

  await page.goto(`${server.url}/contacts/${contact_id}`);
  await panel().waitFor({ timeout: kWaitMs });
  await waitForBalance(120);
  assert.equal((await panel().getByTestId('loyalty-balance').textContent()).trim(), '120');
  const earn = panel().locator('[data-testid="ledger-row"][data-kind="earn"]');
  await earn.waitFor({ timeout: kWaitMs });
  assert.match(await earn.textContent(), /Earned for a purchase/);
  assert.match(await earn.getByTestId('ledger-points').textContent(), /\+120/);
  await earn.getByText('Why').click();
  assert.ok((await earn.getByTestId('ledger-step').count()) > 0, 'an earn explains its points');
  const row = panel().getByTestId('purchase-row');
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /€120\.00/);
  assert.equal(await panel().getByTestId('loyalty-lot').count(), 1);
  await saveScreenshot(page, 'loyalty.png');
  assert.deepEqual(errorsOf(page), []);
});

test('refunding half through the UI takes the points back and the statement shows the refund', kOptions, async () => {
  await panel().getByTestId('refund-button').click();
  const form = panel().getByTestId('refund-form');
  await form.waitFor({ timeout: kWaitMs });
  assert.equal(await form.getByLabel('Amount (EUR)').inputValue(), '120.00');
  await form.getByLabel('Amount (EUR)').fill('60');
  await form.getByLabel('Reason').fill('One item returned');
  await form.getByRole('button', { name: 'Record refund' }).click();
  await waitForBalance(60);
  const notice = panel().getByTestId('loyalty-notice');
  assert.match(await notice.textContent(), /€60\.00.*60 points taken back/);
  const refund = panel().locator('[data-testid="ledger-row"][data-kind="refund"]');
  await refund.waitFor({ timeout: kWaitMs });
  assert.match(await refund.getByTestId('ledger-points').textContent(), /-60/);
  // Newest first: the refund is above the earn.
  assert.equal(await panel().getByTestId('ledger-row').first().getAttribute('data-kind'), 'refund');
  assert.match(await panel().getByTestId('purchase-row').textContent(), /€60\.00/);
  assert.deepEqual(errorsOf(page), []);
});

test('a manager adjusts points through the UI; taking more than the balance says not enough points', kOptions, async () => {
  const manager = await api('POST', '/api/v1/users', { email: kManagerEmail, display_name: 'Manager', role: 'manager', password: kManagerPassword });
  assert.equal(manager.status, 201, JSON.stringify(manager.body));
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto(`${server.url}/contacts/${contact_id}`);
  await signIn(page, { email: kManagerEmail, password: kManagerPassword });
  assert.match(await page.getByTestId('current-role').textContent(), /Manager/);
  await waitForBalance(60);

  const form = panel().getByTestId('adjust-form');
  await form.getByLabel('Points (+ to add, − to take)').fill('+25');
  await form.getByLabel('Reason').fill('Goodwill for a late delivery');
  await form.getByRole('button', { name: 'Record adjustment' }).click();
  await waitForBalance(85);
  const adjustment = panel().locator('[data-testid="ledger-row"][data-kind="adjust"]');
  await adjustment.waitFor({ timeout: kWaitMs });
  assert.match(await adjustment.textContent(), /Adjustment/);
  assert.match(await adjustment.textContent(), /Goodwill for a late delivery/);
  assert.match(await adjustment.getByTestId('ledger-points').textContent(), /\+25/);

  await form.getByLabel('Points (+ to add, − to take)').fill('-1000');
  await form.getByLabel('Reason').fill('Too much');
  await form.getByRole('button', { name: 'Record adjustment' }).click();
  await form.getByRole('alert').filter({ hasText: 'Not enough points' }).waitFor({ timeout: kWaitMs });
  assert.equal(await balance(), 85);
  dropConsoleErrors(page, /status of 409/);
  assert.deepEqual(errorsOf(page), []);
});

test('the rules page saves a changed pending period; a stale save shows the conflict', kOptions, async () => {
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Loyalty programme' }).click();
  await page.waitForURL(`${server.url}/loyalty/rules`);
  const form = page.getByTestId('rules-form');
  await form.waitFor({ timeout: kWaitMs });
  const first_version = Number(await page.getByTestId('rules-version').getAttribute('data-version'));
  await form.getByLabel('Pending days').fill('7');
  await form.getByRole('button', { name: 'Save rules' }).click();
  await page.getByTestId('rules-saved').waitFor({ timeout: kWaitMs });
  const saved_version = Number(await page.getByTestId('rules-version').getAttribute('data-version'));
  assert.ok(saved_version > first_version);
  const stored = await api('GET', '/api/v1/loyalty/rules');
  assert.equal(stored.body.rules.pending_days, 7);
  assert.equal(await form.getByLabel('Pending days').inputValue(), '7');

  // Someone else saves meanwhile: this page's version is stale.
  const other = await api('PUT', '/api/v1/loyalty/rules', { version: saved_version, rules: { ...stored.body.rules, pending_days: 3 } });
  assert.equal(other.status, 200, JSON.stringify(other.body));
  await form.getByLabel('Pending days').fill('10');
  await form.getByRole('button', { name: 'Save rules' }).click();
  const conflict = page.getByTestId('rules-conflict');
  await conflict.waitFor({ timeout: kWaitMs });
  assert.match(await conflict.textContent(), /Someone else saved the rules/);
  await conflict.getByRole('button', { name: 'Reload the rules' }).click();
  await page.locator(`[data-testid="rules-version"][data-version="${other.body.version}"]`).waitFor({ timeout: kWaitMs });
  assert.equal(await page.getByTestId('rules-form').getByLabel('Pending days').inputValue(), '3');

  // A value the server refuses is shown next to its field.
  await page.getByTestId('rules-form').getByLabel('Pending days').fill('-1');
  await page.getByTestId('rules-form').getByRole('button', { name: 'Save rules' }).click();
  await page.locator('#rules-pending_days-error').waitFor({ timeout: kWaitMs });
  await saveScreenshot(page, 'loyalty-rules.png');
  dropConsoleErrors(page, /status of (409|422)/);
  assert.deepEqual(errorsOf(page), []);
});

test('the loyalty panel speaks Russian', kOptions, async () => {
  await page.goto(`${server.url}/contacts/${contact_id}`);
  await panel().waitFor({ timeout: kWaitMs });
  await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: 'RU' }).click();
  await panel().getByRole('heading', { name: 'Лояльность' }).waitFor({ timeout: kWaitMs });
  const text = await panel().textContent();
  assert.match(text, /Баланс баллов/);
  assert.match(text, /Выписка по счёту/);
  assert.match(text, /Возврат/);
  assert.match(text, /Корректировка/);
  assert.match(text, /120,00\s€/);
  await saveScreenshot(page, 'loyalty-ru.png');
  assert.deepEqual(errorsOf(page), []);
});
