// `npm run demo`: builds and packages the extension, installs code-server on first run, opens the bundled
// example shop in real VS Code (code-server on 127.0.0.1) with flaglens.vsix installed, prints the URL and
// the CLI report, and keeps running until Ctrl+C. The editor works on a git-initialised copy of
// examples/shop under .cache/demo/ (with the state file's history replayed), so bumps and aborts made in the
// demo never touch the repository. FLAGLENS_DEMO_PORT picks the port (default: 3737, or any free one).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as harness from './e2e/code-server.mjs';

const root = harness.repositoryRoot;

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

console.log('› building and packaging flaglens.vsix');
harness.buildAndPackage();
console.log('› checking code-server (installed into .cache/code-server on first run, about a minute)');
harness.ensureCodeServer();

const runDir = join(root, '.cache', 'demo');
rmSync(runDir, { recursive: true, force: true });
mkdirSync(runDir, { recursive: true });
const workspace = harness.copyWorkspace(join(root, 'examples', 'shop'), runDir);
harness.writeUserSettings(runDir);
harness.installExtension(runDir);

const requested = Number(process.env.FLAGLENS_DEMO_PORT || 3737);
const port = (await portIsFree(requested)) ? requested : await harness.freePort();
const codeServer = await harness.startCodeServer({ runDir, workspace, port });
let stopping = false;
const stop = (code = 0) => {
  if (stopping) return;
  stopping = true;
  codeServer.stop();
  setTimeout(() => process.exit(code), 300);
};
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
codeServer.process.on('exit', (code) => {
  if (stopping) return;
  console.error(`code-server exited (${code}):\n${codeServer.output()}`);
  process.exit(1);
});

console.log('\n› the CLI on the same example (node dist/cli.js check examples/shop --fail-on never):\n');
spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'check', 'examples/shop', '--fail-on', 'never'], { cwd: root, stdio: 'inherit' });

const url = harness.workbenchUrl(codeServer.url, workspace);
console.log(`
› Flaglens demo: VS Code (code-server) with the Flaglens extension on the example shop
    ${url}
  Open src/server/search.ts and hover FLAGS.RECOMMENDATIONS_V2 (canary 1%), run "Flaglens: Bump Rollout…"
  from the command palette (F1), open the Flags view in the activity bar, and the Problems panel.
  The workspace is a copy in ${workspace}; the repository is not modified.
  Press Ctrl+C to stop.`);
