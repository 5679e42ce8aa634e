#!/usr/bin/env node
// Generates the C++ source that embeds the built web UI into the rapport binary.
//   node scripts/embed.mjs --dist <vite output dir> --output <web_assets.cc>
// For every file under --dist it emits: the URL path, the content type, a strong ETag (quoted,
// base64url SHA-256 of the bytes), the bytes, their gzip (level 9; left empty when it would not be
// smaller, and the server then sends the identity bytes) and whether the file is immutable (Vite's
// content-hashed files under /assets/). The output is deterministic (sorted paths, gzip without a
// timestamp) and only rewritten when it changes, so an unchanged UI does not recompile anything.
// Unknown file types and oversized files fail the build instead of shipping with a guessed type.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { constants as zlib_constants, gzipSync } from 'node:zlib';

export const kAssetBytesMax = 8 * 1024 * 1024;   // one file
export const kTotalBytesMax = 32 * 1024 * 1024;  // the whole UI
export const kAssetCountMax = 1000;

const kContentTypes = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.mjs', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.json', 'application/json'],
  ['.map', 'application/json'],
  ['.webmanifest', 'application/manifest+json'],
  ['.txt', 'text/plain; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.jpg', 'image/jpeg'],
  ['.webp', 'image/webp'],
  ['.ico', 'image/x-icon'],
  ['.woff2', 'font/woff2'],
]);

// Vite names emitted files name-<8 or more hash characters>.ext under assets/.
const kHashedAssetPattern = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

function fail(message) {
  console.error(`embed: ${message}`);
  process.exit(1);
}

function parseArguments(argv) {
  const options = {};
  for (let index = 0; index < argv.length; index += 2) {
    const name = argv[index];
    const value = argv[index + 1];
    if (name !== '--dist' && name !== '--output') fail(`unknown argument ${name}`);
    if (value === undefined) fail(`${name} needs a value`);
    options[name.slice(2)] = value;
  }
  if (!options.dist || !options.output) fail('usage: embed.mjs --dist <dir> --output <file.cc>');
  return options;
}

function listFiles(directory) {
  const files = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(full));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

export function describeAsset(url_path, bytes) {
  const content_type = kContentTypes.get(extname(url_path).toLowerCase());
  if (!content_type) fail(`no content type known for ${url_path}; add its extension to kContentTypes`);
  if (bytes.length > kAssetBytesMax) fail(`${url_path} is ${bytes.length} bytes, over kAssetBytesMax`);
  const gzip = gzipSync(bytes, { level: 9, strategy: zlib_constants.Z_DEFAULT_STRATEGY });
  return {
    path: url_path,
    content_type,
    etag: `"${createHash('sha256').update(bytes).digest('base64url')}"`,
    identity: bytes,
    gzip: gzip.length < bytes.length ? gzip : Buffer.alloc(0),
    immutable: kHashedAssetPattern.test(url_path),
  };
}

export function collectAssets(dist) {
  if (!existsSync(dist) || !statSync(dist).isDirectory()) fail(`${dist} is not a directory; run the web build first`);
  const files = listFiles(dist)
    .map((file) => ({ file, url_path: '/' + relative(dist, file).split(sep).join('/') }))
    .sort((a, b) => (a.url_path < b.url_path ? -1 : a.url_path > b.url_path ? 1 : 0));
  if (files.length > kAssetCountMax) fail(`${files.length} files in ${dist}, over kAssetCountMax`);
  if (!files.some((entry) => entry.url_path === '/index.html')) fail(`${dist} has no index.html`);
  const assets = files.map((entry) => describeAsset(entry.url_path, readFileSync(entry.file)));
  const total = assets.reduce((sum, asset) => sum + asset.identity.length + asset.gzip.length, 0);
  if (total > kTotalBytesMax) fail(`the UI totals ${total} bytes, over kTotalBytesMax`);
  return assets;
}

function byteArray(name, bytes) {
  if (bytes.length === 0) return '';
  const lines = [];
  for (let offset = 0; offset < bytes.length; offset += 24) {
    const chunk = bytes.subarray(offset, offset + 24);
    lines.push('    ' + Array.from(chunk, (byte) => `0x${byte.toString(16).padStart(2, '0')},`).join(''));
  }
  return `const unsigned char ${name}[] = {\n${lines.join('\n')}\n};\n`;
}

function span(name, bytes) {
  return bytes.length === 0 ? 'std::span<const unsigned char>{}' : `std::span<const unsigned char>(${name})`;
}

// C++ string literals for paths and types: the inputs are plain ASCII file names, checked here.
function literal(text) {
  if (!/^[\x20-\x7e]*$/.test(text) || /["\\]/.test(text.replace(/^"|"$/g, ''))) fail(`cannot embed name ${text}`);
  return JSON.stringify(text);
}

export function renderSource(assets) {
  let out = '// Generated by web/scripts/embed.mjs from the web UI build. Do not edit.\n';
  out += '#include <span>\n\n#include "rapport/web/assets.h"\n\nnamespace rapport::web {\nnamespace {\n\n';
  assets.forEach((asset, index) => {
    out += `// ${asset.path}\n`;
    out += byteArray(`kIdentity${index}`, asset.identity);
    out += byteArray(`kGzip${index}`, asset.gzip);
    out += '\n';
  });
  out += 'const http::StaticAsset kAssets[] = {\n';
  assets.forEach((asset, index) => {
    out += `    {${literal(asset.path)}, ${literal(asset.content_type)}, ${literal(asset.etag)},\n`;
    out += `     ${span(`kIdentity${index}`, asset.identity)}, ${span(`kGzip${index}`, asset.gzip)}, ${asset.immutable}},\n`;
  });
  out += '};\n\n}  // namespace\n\n';
  out += 'std::span<const http::StaticAsset> EmbeddedAssets() { return kAssets; }\n\n}  // namespace rapport::web\n';
  return out;
}

function writeIfChanged(path, text) {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = parseArguments(process.argv.slice(2));
  const assets = collectAssets(options.dist);
  const changed = writeIfChanged(options.output, renderSource(assets));
  const identity = assets.reduce((sum, asset) => sum + asset.identity.length, 0);
  const gzip = assets.reduce((sum, asset) => sum + (asset.gzip.length || asset.identity.length), 0);
  console.log(`embed: ${assets.length} files, ${identity} bytes, ${gzip} bytes gzipped${changed ? '' : ' (unchanged)'}`);
}
