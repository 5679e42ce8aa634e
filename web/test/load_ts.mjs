// Imports a TypeScript module of src/ in Node's test runner: esbuild (installed with Vite) bundles
// it to one ES module in memory, which is then imported from a data: URL. Only for modules that do
// not touch the DOM at import time.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export async function importTs(relative_path) {
  const entry = fileURLToPath(new URL(`../${relative_path}`, import.meta.url));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}
