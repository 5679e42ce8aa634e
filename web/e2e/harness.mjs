// Shared helpers for the browser tests: start `rapport serve` on an ephemeral port with a fresh
// database, and launch Debian's Chromium through playwright-core with a fresh profile.
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

// Launches Chromium with a fresh profile: { context, close() }. Pages opened from `context`
// collect console errors and uncaught exceptions in `errorsOf(page)`.
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'rapport-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      args: kChromiumArgs,
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
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

// Opens a page that records console errors (a CSP violation is one) and uncaught exceptions.
export async function openPage(context) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`exception: ${error.message}`));
  page_errors.set(page, errors);
  return page;
}

export function errorsOf(page) {
  return page_errors.get(page) ?? [];
}

export async function saveScreenshot(page, name) {
  mkdirSync(kArtifactsDir, { recursive: true });
  const path = join(kArtifactsDir, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}
