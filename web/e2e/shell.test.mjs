// Browser tests of the app shell against a real `rapport serve` (see harness.mjs), signed in as
// the first admin through the sign-in form: the overview
// shows the running store and its health, the locale switch turns the UI Russian and is
// remembered, the System page draws its chart from /metrics, and API problems are shown with
// their request id. Any console error (a Content-Security-Policy violation is one) fails a test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ensureSignedIn, errorsOf, launchBrowser, openPage, saveScreenshot, signIn, startServer } from './harness.mjs';

const kWaitMs = 30_000;  // an upper bound for the page to reach a state, never a performance check

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('shell shows status, switches to Russian and draws the System chart', async () => {
  const page = await openPage(browser.context);
  await page.goto(`${server.url}/`);
  await page.waitForURL(`${server.url}/login`);
  await signIn(page);
  await page.waitForURL(`${server.url}/`);

  const banner = page.getByRole('banner');
  await banner.getByText('Rapport', { exact: true }).waitFor({ timeout: kWaitMs });
  const navigation = page.getByRole('navigation', { name: 'Main navigation' });
  await navigation.getByRole('link', { name: 'Overview' }).waitFor();
  await navigation.getByRole('link', { name: 'System' }).waitFor();
  assert.equal(await navigation.getByRole('link', { name: 'Overview' }).getAttribute('aria-current'), 'page');

  await page.locator('[data-testid="store"] [data-store="sqlite"]').waitFor({ timeout: kWaitMs });
  const health = page.locator('[data-testid="health"] .badge--ok');
  await health.waitFor({ timeout: kWaitMs });
  assert.equal((await health.textContent())?.trim(), 'Healthy');
  assert.notEqual((await page.getByTestId('version').textContent())?.trim(), '');

  await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: 'RU' }).click();
  const russian_navigation = page.getByRole('navigation', { name: 'Основная навигация' });
  await russian_navigation.getByRole('link', { name: 'Обзор' }).waitFor();
  await russian_navigation.getByRole('link', { name: 'Система' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'ru');
  assert.equal(await page.evaluate(() => window.localStorage.getItem('rapport.locale')), 'ru');

  await page.reload();
  await russian_navigation.getByRole('link', { name: 'Обзор' }).waitFor();
  await page.locator('[data-testid="health"] .badge--ok', { hasText: 'Работает' }).waitFor({ timeout: kWaitMs });

  await russian_navigation.getByRole('link', { name: 'Система' }).click();
  await page.waitForURL(`${server.url}/system`);
  await page.getByRole('heading', { level: 1, name: 'Система' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'page-heading', 'focus moves to the new page');
  await page.locator('.chart canvas').first().waitFor({ timeout: kWaitMs });
  // Two scrapes of /metrics give the first rate; the value replaces the dash.
  await page.getByTestId('requests-per-second').filter({ hasNotText: '—' }).waitFor({ timeout: kWaitMs });
  await page.locator('.chart[data-points="3"]').waitFor({ timeout: kWaitMs });  // a line, not a lone dot
  await saveScreenshot(page, 'shell.png');

  assert.deepEqual(errorsOf(page), []);
  await page.close();
});

test('a deep link loads its page and an unknown path shows the not-found page', async () => {
  const page = await openPage(browser.context);
  await page.goto(`${server.url}/system`);
  await ensureSignedIn(page);
  await page.locator('.chart canvas').first().waitFor({ timeout: kWaitMs });

  await page.goto(`${server.url}/no-such-page`);
  await page.getByRole('heading', { level: 1 }).filter({ hasText: /not found|не найдена/ }).waitFor({ timeout: kWaitMs });
  assert.deepEqual(errorsOf(page), []);
  await page.close();
});

test('a problem from the API is shown with its code and request id', async () => {
  const page = await openPage(browser.context);
  await page.addInitScript(() => window.localStorage.setItem('rapport.locale', 'en'));
  await page.route('**/healthz', (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/problem+json',
      headers: { 'X-Request-Id': 'header-id' },
      body: JSON.stringify({
        type: 'https://rapport.dev/problems/store_unavailable',
        title: 'The store is unavailable',
        status: 503,
        detail: 'The database did not answer.',
        instance: '/healthz',
        code: 'store_unavailable',
        request_id: 'req-e2e-42',
      }),
    }),
  );
  await page.goto(`${server.url}/`);
  await ensureSignedIn(page);
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: kWaitMs });
  const text = await alert.textContent();
  assert.match(text ?? '', /The store is unavailable/);
  assert.match(text ?? '', /store_unavailable/);
  assert.match(text ?? '', /req-e2e-42/);
  assert.equal((await page.locator('[data-testid="health"] .badge--bad').textContent())?.trim(), 'Unavailable');
  // The version still shows: a failing store does not hide what is running.
  await page.locator('[data-testid="store"] [data-store="sqlite"]').waitFor({ timeout: kWaitMs });
  await page.close();
});
