// The CLI as it ships (one esbuild bundle, no tsx), built from the current sources into a temp folder once per
// test process, for tests that run it as a real child process (under strace, or killed with SIGKILL): they
// never run against a stale dist/ and never touch it.
import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let bundled: { dir: string; cli: string } | undefined;

/** Path of a fresh CLI bundle (removed when the process exits). */
export function freshCliBundle(): string {
  if (bundled) return bundled.cli;
  const dir = mkdtempSync(join(tmpdir(), 'flaglens-cli-bundle-'));
  const cli = join(dir, 'cli.js');
  buildSync({
    entryPoints: [join(__dirname, '..', '..', 'cli', 'src', 'main.ts')],
    outfile: cli,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    external: ['vscode', 'perf_hooks', 'source-map-support', 'inspector'],
  });
  bundled = { dir, cli };
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return cli;
}
