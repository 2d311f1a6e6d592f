// Bundles the three entry points with esbuild: the CLI and the language server for Node
// (with a shebang so `bin` works), and the VS Code client (with `vscode` left external).
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // ts-morph pulls in TypeScript, which optionally requires these; they are never used at run time.
  external: ['vscode', 'perf_hooks', 'source-map-support', 'inspector'],
};

await Promise.all([
  build({ ...common, entryPoints: ['cli/src/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js' }),
]);
chmodSync('dist/cli.js', 0o755);
chmodSync('dist/server.js', 0o755);
