// Bundles the three entry points with esbuild: the CLI and the language server for Node
// (with a shebang so `bin` works), and the VS Code client (with `vscode` left external).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The build's identity: a hash of every source and dependency lock the bundles are built from. The scanner's
 * persistent cache records it, so a rebuilt bundle never trusts a cache an older build wrote.
 */
function buildIdentity() {
  const hash = createHash('sha256');
  const add = (path) => {
    if (statSync(path).isDirectory()) for (const name of readdirSync(path).sort()) add(join(path, name));
    else hash.update(path).update('\0').update(readFileSync(path)).update('\0');
  };
  for (const input of ['core/src', 'cli/src', 'server/src', 'protocol/src', 'package.json', 'package-lock.json']) add(input);
  return hash.digest('base64url').slice(0, 16);
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // ts-morph pulls in TypeScript, which optionally requires these; they are never used at run time.
  external: ['vscode', 'perf_hooks', 'source-map-support', 'inspector'],
  define: { FLAGLENS_BUILD_ID: JSON.stringify(buildIdentity()) },
};

await Promise.all([
  build({ ...common, entryPoints: ['cli/src/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js' }),
]);
chmodSync('dist/cli.js', 0o755);
chmodSync('dist/server.js', 0o755);
