// Unit tests of scripts/embed.mjs on a small made-up build output.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { collectAssets, renderSource } from '../scripts/embed.mjs';

const kScript = fileURLToPath(new URL('../scripts/embed.mjs', import.meta.url));
const directories = [];
after(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));

function makeDist(files) {
  const directory = mkdtempSync(join(tmpdir(), 'rapport-embed-'));
  directories.push(directory);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(directory, path, '..'), { recursive: true });
    writeFileSync(join(directory, path), content);
  }
  return directory;
}

const kHtml = '<!doctype html><html><body>' + 'x'.repeat(400) + '</body></html>';

test('describes every file: sorted paths, types, strong ETags, gzip and immutability', () => {
  const dist = makeDist({
    'index.html': kHtml,
    'assets/index-AbCd1234.js': 'console.log(1);'.repeat(50),
    'favicon.svg': '<svg/>',
  });
  const assets = collectAssets(dist);
  assert.deepEqual(assets.map((asset) => asset.path), ['/assets/index-AbCd1234.js', '/favicon.svg', '/index.html']);
  const [script, icon, index] = assets;
  assert.equal(script.content_type, 'text/javascript; charset=utf-8');
  assert.equal(index.content_type, 'text/html; charset=utf-8');
  assert.equal(script.immutable, true);
  assert.equal(index.immutable, false);
  assert.equal(icon.immutable, false);
  assert.equal(index.etag, `"${createHash('sha256').update(kHtml).digest('base64url')}"`);
  assert.equal(gunzipSync(index.gzip).toString(), kHtml);
  assert.equal(icon.gzip.length, 0, 'gzip of a tiny file is not smaller, so it is left out');
});

test('the generated source lists every asset and is byte-for-byte deterministic', () => {
  const dist = makeDist({ 'index.html': kHtml });
  const first = renderSource(collectAssets(dist));
  assert.equal(renderSource(collectAssets(dist)), first);
  assert.match(first, /\{"\/index.html", "text\/html; charset=utf-8", "\\"[A-Za-z0-9_-]{43}\\"",/);
  assert.match(first, /std::span<const http::StaticAsset> EmbeddedAssets\(\) \{ return kAssets; \}/);
});

test('the command writes the output only when it changes', () => {
  const dist = makeDist({ 'index.html': kHtml });
  const output = join(makeDist({}), 'web_assets.cc');
  execFileSync(process.execPath, [kScript, '--dist', dist, '--output', output]);
  const written_at = statSync(output).mtimeMs;
  const second = execFileSync(process.execPath, [kScript, '--dist', dist, '--output', output], { encoding: 'utf8' });
  assert.match(second, /unchanged/);
  assert.equal(statSync(output).mtimeMs, written_at);
  assert.match(readFileSync(output, 'utf8'), /kIdentity0/);
});

test('fails on a file type it does not know, and on a build without index.html', () => {
  const unknown = spawnSync(process.execPath, [kScript, '--dist', makeDist({ 'index.html': kHtml, 'a.xyz': '1' }),
    '--output', join(tmpdir(), 'never-written.cc')], { encoding: 'utf8' });
  assert.notEqual(unknown.status, 0);
  assert.match(unknown.stderr, /no content type known for \/a.xyz/);
  const no_index = spawnSync(process.execPath, [kScript, '--dist', makeDist({ 'a.js': '1' }),
    '--output', join(tmpdir(), 'never-written.cc')], { encoding: 'utf8' });
  assert.notEqual(no_index.status, 0);
  assert.match(no_index.stderr, /has no index.html/);
});
