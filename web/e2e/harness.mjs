// Shared helpers for the browser tests: start `rapport serve` on an ephemeral port with a fresh
// database and a known first admin (RAPPORT_ADMIN_EMAIL / RAPPORT_ADMIN_PASSWORD, with the cheapest
// password hashing: RAPPORT_PASSWORD_HASH_COST=min), and launch Debian's Chromium through
// playwright-core with a fresh profile. `signIn` signs in through the UI's form.
// Everything started here is stopped (SIGTERM) and every temporary directory removed by the
// matching stop()/close(), which the tests call from their `after` hooks.
//   RAPPORT_BINARY  the executable to test (default: build/release/rapport of this checkout)
//   CHROMIUM        the browser (default: /usr/bin/chromium)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const kRepositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const kArtifactsDir = join(kRepositoryRoot, 'build', 'e2e-artifacts');
const kStartTimeoutMs = 30_000;
const kStopTimeoutMs = 10_000;
const kListeningPattern = /Listening on (http:\/\/127\.0\.0\.1:\d+)/;
export const kAdminEmail = 'admin@localhost';
export const kAdminPassword = 'e2e-admin-password-0123';
const kWaitMs = 30_000;  // an upper bound for the page to reach a state, never a performance check

export const kChromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// Starts the server and resolves once it printed its address: { url, stop(), output() }.
export async function startServer() {
  const binary = process.env.RAPPORT_BINARY ?? join(kRepositoryRoot, 'build', 'release', 'rapport');
  const directory = mkdtempSync(join(tmpdir(), 'rapport-e2e-'));
  const child = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--database', join(directory, 'rapport.db')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      RAPPORT_ADMIN_EMAIL: kAdminEmail,
      RAPPORT_ADMIN_PASSWORD: kAdminPassword,
      RAPPORT_PASSWORD_HASH_COST: 'min',
    },
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  const exited = new Promise((resolve_exit) => child.once('exit', resolve_exit));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), kStopTimeoutMs);
      await exited;
      clearTimeout(timer);
    }
    rmSync(directory, { recursive: true, force: true });
  };

  try {
    const url = await new Promise((resolve_url, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "Listening on" line within ${kStartTimeoutMs} ms`)), kStartTimeoutMs);
      child.once('error', (error) => reject(new Error(`cannot start ${binary}: ${error.message}`)));
      child.once('exit', (code, signal) => reject(new Error(`${binary} exited (${code ?? signal}) before listening`)));
      // The line is expected on stdout; stderr is read too so a server that logs it there works
      // and its messages appear in the failure report.
      const onData = (chunk) => {
        output += chunk;
        const match = kListeningPattern.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve_url(match[1]);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    return { url, stop, output: () => output };
  } catch (error) {
    await stop();
    throw new Error(`${error.message}\n--- server output ---\n${output}`);
  }
}

// Launches Chromium with a fresh profile and the given browser language: { context, close() }.
// Pages opened from `context` collect console errors and uncaught exceptions in `errorsOf(page)`.
export async function launchBrowser({ locale = 'en-US' } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'rapport-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      args: kChromiumArgs,
      viewport: { width: 1280, height: 800 },
      locale,
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

const page_errors = new WeakMap();

// Chromium logs every 4xx answer as a console error. 401 is how the API says "nobody is signed in"
// (the UI's start-up asks, and a wrong password gets one): expected, so not counted. Any other
// console error (a CSP violation, a 403, a 500) still is.
const kExpectedConsoleError = /^Failed to load resource: the server responded with a status of 401 /;

// Opens a page that records console errors (a CSP violation is one) and uncaught exceptions.
export async function openPage(context) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !kExpectedConsoleError.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`exception: ${error.message}`));
  page_errors.set(page, errors);
  return page;
}

export function errorsOf(page) {
  return page_errors.get(page) ?? [];
}

// Chromium logs every 4xx answer as a console error; a test expecting one drops those matching
// `pattern` from the page's errors.
export function dropConsoleErrors(page, pattern) {
  const errors = errorsOf(page);
  errors.splice(0, errors.length, ...errors.filter((error) => !pattern.test(error)));
}

// Calls the API from the page with the session's cookie and CSRF token; resolves to
// { status, body }.
export async function callApi(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const session = await (await fetch('/api/v1/auth/session', { credentials: 'same-origin' })).json();
      const headers = { Accept: 'application/json', 'X-CSRF-Token': session.csrf_token ?? '' };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? null : JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, body: text === '' ? null : JSON.parse(text) };
    },
    { method, path, body },
  );
}

// The options of a test that needs the loyalty API: the stand-in server (mock_server.mjs) has
// none, so against it such tests are skipped.
export const kNeedsLoyaltyApi = {
  skip: (process.env.RAPPORT_BINARY ?? '').endsWith('mock_server.mjs') ? 'the mock server has no loyalty API' : false,
};

export async function saveScreenshot(page, name) {
  mkdirSync(kArtifactsDir, { recursive: true });
  const path = join(kArtifactsDir, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

// What the tests of one file share: a server, a browser and one page in English. With
// `sign_in_at` (a path), the page opens it and signs in as the first admin. Resolves to
// { server, browser, page }; close the browser and stop the server after the tests.
export async function startEnglishPage({ sign_in_at = null } = {}) {
  const server = await startServer();
  const browser = await launchBrowser();
  const page = await openPage(browser.context);
  await page.addInitScript(() => window.localStorage.setItem('rapport.locale', 'en'));
  if (sign_in_at !== null) {
    await page.goto(`${server.url}${sign_in_at}`);
    await signIn(page);
  }
  return { server, browser, page };
}

// Fills the sign-in form (the page must show it) and waits for the signed-in shell.
export async function signIn(page, { email = kAdminEmail, password = kAdminPassword } = {}) {
  const form = page.getByTestId('login-form');
  await form.waitFor({ timeout: kWaitMs });
  await form.locator('input[name="email"]').fill(email);
  await form.locator('input[name="password"]').fill(password);
  await form.locator('button[type="submit"]').click();
  await page.getByTestId('current-user').waitFor({ timeout: kWaitMs });
}

// Signs in when the page shows the sign-in form; returns once the signed-in shell is there.
// Tests in one file share the browser's cookies, so a later test usually finds the session open.
export async function ensureSignedIn(page) {
  const current_user = page.getByTestId('current-user');
  const form = page.getByTestId('login-form');
  await current_user.or(form).first().waitFor({ timeout: kWaitMs });
  if (await form.isVisible()) await signIn(page);
}
