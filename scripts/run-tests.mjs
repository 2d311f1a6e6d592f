// Finds every test file and runs them with Node's built-in test runner (TypeScript through tsx).
// `--unit` runs only the fast tests (no real servers, editors, browsers or the real corpus): files under
// test/ that are not under test/integration/, test/e2e/ or test/corpus/. Extra arguments are test-file filters (substrings).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

let files = walk('test').map((f) => relative('.', f)).sort();
if (unitOnly) files = files.filter((f) => !/^test[\\/](integration|e2e|corpus)[\\/]/.test(f));
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// Integration tests start real servers on fixed ports: run files one at a time.
// The scan caches the CLI and the language server keep by default ($XDG_CACHE_HOME/flaglens/<hash of the root>)
// go to a folder of this run, not the home of whoever runs the tests; it is removed at the end.
const cacheHome = mkdtempSync(join(tmpdir(), 'flaglens-test-cache-'));
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=600000', '--test-force-exit', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, XDG_CACHE_HOME: cacheHome },
});
rmSync(cacheHome, { recursive: true, force: true });
process.exit(result.status ?? 1);
