// Bundles the three entry points with esbuild: the CLI and the language server for Node and the VS Code client (with
// `vscode` left external). The CLI's and the server's executables (dist/cli.js, dist/server.js, with a shebang so
// `bin` works) are small launchers that install V8's compiled-code cache and load their bundle beside them
// (dist/cli-bundle.js, dist/server-bundle.js) through it. TypeScript and the library declarations are
// files of their own beside them, loaded when first needed: dist/typescript.js (ts-morph's copy of TypeScript,
// which the scanner parses with) and dist/ts-morph-common.js (@ts-morph/common on that same copy: the lib.*.d.ts
// texts cleanup's type check reads). A scan answered from its cache loads neither; a scan that parses loads
// TypeScript only.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { writeConfigValidator } from './generate-config-validator.mjs';

const require = createRequire(import.meta.url);
// flaglens.yaml's validator is compiled from its schema before anything is bundled or hashed (so a schema edit is built).
writeConfigValidator();

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

/** TypeScript (and, but for its own bundle, @ts-morph/common) resolve to the shared files beside the bundle. */
function sharedLibraries({ commonToo }) {
  return {
    name: 'shared-typescript-and-ts-morph',
    setup(builder) {
      builder.onResolve({ filter: /^@ts-morph\/common\/dist\/typescript\.js$/ }, () => ({ path: './typescript.js', external: true }));
      // Inside @ts-morph/common (bundled into ts-morph-common.js): its own `require('./typescript')`.
      builder.onResolve({ filter: /^\.\/typescript$/ }, (args) => (args.importer.includes('@ts-morph/common') ? { path: './typescript.js', external: true } : undefined));
      if (commonToo) builder.onResolve({ filter: /^@ts-morph\/common$/ }, () => ({ path: './ts-morph-common.js', external: true }));
    },
  };
}

mkdirSync('dist', { recursive: true });
copyFileSync(require.resolve('@ts-morph/common/dist/typescript.js'), 'dist/typescript.js');
await Promise.all([
  // The executables are small launchers: the compiled-code cache first, then the bundle beside them through it.
  build({ ...common, entryPoints: ['cli/src/launch.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['server/src/launch.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, plugins: [sharedLibraries({ commonToo: true })], entryPoints: ['cli/src/main.ts'], outfile: 'dist/cli-bundle.js' }),
  build({ ...common, plugins: [sharedLibraries({ commonToo: true })], entryPoints: ['server/src/main.ts'], outfile: 'dist/server-bundle.js' }),
  build({ ...common, plugins: [sharedLibraries({ commonToo: true })], entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js' }),
  build({ ...common, plugins: [sharedLibraries({ commonToo: false })], entryPoints: [require.resolve('@ts-morph/common')], outfile: 'dist/ts-morph-common.js' }),
]);
chmodSync('dist/cli.js', 0o755);
chmodSync('dist/server.js', 0o755);
