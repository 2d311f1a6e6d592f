// The fuzz suite: a seeded generator (generate.ts) makes at least 200 hostile workspaces per run — malformed
// flagd files, flaglens.yaml and sources, and file-system attacks — each run with a command. Every case must
// end before its deadline (enforced on the process that runs it: a hang gets it killed), print no stack trace
// and no "internal error", exit with a code the command documents (and the specific one the case provokes),
// change nothing outside the workspace, and send no request to the foreign server a repository names.
// Cases run in-process in a worker process; every tenth also runs as a real child process of the bundled CLI.
// Replay: FLAGLENS_FUZZ_SEED=<seed> FLAGLENS_FUZZ_CASES=<n> node scripts/run-tests.mjs test/fuzz
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fork, spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, ftruncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freshCliBundle } from '../helpers/freshCli.js';
import { seededRandom } from '../helpers/seeded.js';
import { DOCUMENTED_EXIT_CODES, generateCases, OUTSIDE_FILES, type FuzzCase, type FuzzFile } from './generate.js';

const SEED = Number(process.env.FLAGLENS_FUZZ_SEED ?? 20261127);
const COUNT = Math.max(200, Number(process.env.FLAGLENS_FUZZ_CASES ?? 220));
/** Per-case deadlines: in-process cases share a warm worker; a real process pays its start-up. */
const IN_PROCESS_DEADLINE_MS = 45_000;
const CHILD_DEADLINE_MS = 90_000;
const STACK_TRACE = /^\s+at\s.+:\d+:\d+\)?\s*$/m;

let listener: Server;
let listenerOrigin = '';
const foreignRequests: string[] = [];

before(async () => {
  listener = createServer((req, res) => {
    foreignRequests.push(`${req.method} ${req.url} authorization=${req.headers.authorization ?? ''}`);
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  listenerOrigin = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
});

after(async () => {
  listener.closeAllConnections();
  await new Promise((resolve) => listener.close(resolve));
});

interface Sandbox {
  dir: string;
  ws: string;
  outside: string;
  home: string;
}

function materialize(testCase: FuzzCase): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), `flaglens-fuzz-${testCase.id}-`));
  const sandbox = { dir, ws: join(dir, 'ws'), outside: join(dir, 'outside'), home: join(dir, 'home') };
  for (const folder of [sandbox.ws, sandbox.outside, sandbox.home]) mkdirSync(folder);
  for (const [name, content] of Object.entries(OUTSIDE_FILES)) writeFileSync(join(sandbox.outside, name), content);
  const place = (text: string) => text.replaceAll('OUTSIDE', sandbox.outside).replaceAll('HOST', hostname());
  for (const [path, file] of Object.entries(testCase.files) as Array<[string, FuzzFile]>) {
    const target = join(sandbox.ws, path);
    mkdirSync(dirname(target), { recursive: true });
    if (typeof file === 'string') writeFileSync(target, place(file));
    else if ('bytes' in file) writeFileSync(target, Buffer.from(file.bytes));
    else if ('fifo' in file) execFileSync('mkfifo', [target]);
    else if ('directory' in file) mkdirSync(target, { recursive: true });
    else if ('sparse' in file) {
      const fd = openSync(target, 'w');
      ftruncateSync(fd, file.sparse);
      closeSync(fd);
    } else symlinkSync(file.symlink.startsWith('outside:') ? join(sandbox.outside, file.symlink.slice('outside:'.length)) : file.symlink, target);
  }
  return sandbox;
}

/** Everything outside the workspace (the victim folder, HOME, the sandbox itself): names, kinds, contents. */
/**
 * The scan cache's documented home ($XDG_CACHE_HOME or ~/.cache, flaglens/<hash of the root>/scan-cache.bin): the
 * one place outside the workspace a command may write, and only that file, as a regular file.
 */
const SCAN_CACHE_IN_HOME = /^home\/\.cache(\/flaglens(\/[0-9a-f]{16}(\/scan-cache\.bin)?)?)?$/;

function outsideState(sandbox: Sandbox): string {
  const entries: string[] = [];
  const walk = (path: string, shown: string) => {
    const stat = lstatSync(path);
    if (SCAN_CACHE_IN_HOME.test(shown) && (stat.isDirectory() || (stat.isFile() && shown.endsWith('.bin')))) {
      if (stat.isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name), `${shown}/${name}`);
      return;
    }
    if (stat.isSymbolicLink()) entries.push(`${shown} -> ${readlinkSync(path)}`);
    else if (stat.isDirectory()) {
      entries.push(`${shown}/ ${stat.mode & 0o7777}`);
      for (const name of readdirSync(path).sort()) walk(join(path, name), `${shown}/${name}`);
    } else entries.push(`${shown} ${stat.mode & 0o7777} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
  };
  walk(sandbox.outside, 'outside');
  walk(sandbox.home, 'home');
  entries.push(`sandbox: ${readdirSync(sandbox.dir).sort().join(',')}`);
  return entries.join('\n');
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the deadline killed the process. */
  hung?: boolean;
}

/** The in-process worker: one long-lived process running cases one at a time; killed and replaced after a hang. */
class Worker {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;

  private start(): Promise<void> {
    const child = fork(join(__dirname, 'runner.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.child = child;
    this.ready = new Promise((resolve) => child.once('message', () => resolve()));
    return this.ready;
  }

  async run(id: number, cwd: string, argv: string[], env: Record<string, string>): Promise<Outcome> {
    if (!this.child || this.child.exitCode !== null) await this.start();
    else await this.ready;
    const child = this.child!;
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => {
        child.removeListener('message', onMessage);
        child.kill('SIGKILL');
        this.child = undefined;
        resolve({ code: null, stdout: '', stderr: '', hung: true });
      }, IN_PROCESS_DEADLINE_MS);
      const onMessage = (message: { id?: number; code: number; stdout: string; stderr: string }) => {
        if (message.id !== id) return;
        clearTimeout(timer);
        child.removeListener('message', onMessage);
        resolve({ code: message.code, stdout: message.stdout, stderr: message.stderr });
      };
      child.on('message', onMessage);
      child.send({ id, cwd, argv, env });
    });
  }

  stop(): void {
    this.child?.kill('SIGKILL');
  }
}

function runChild(cli: string, cwd: string, argv: string[], env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...argv], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, CHILD_DEADLINE_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, hung });
    });
  });
}

function problemsOf(testCase: FuzzCase, outcome: Outcome, before: string, after: string): string[] {
  const problems: string[] = [];
  const output = `${outcome.stdout}\n${outcome.stderr}`;
  if (outcome.hung) return ['did not finish before its deadline (killed)'];
  const allowed = testCase.exitCodes ?? DOCUMENTED_EXIT_CODES[testCase.argv[0]!]!;
  if (outcome.code === null || !allowed.includes(outcome.code)) problems.push(`exit code ${outcome.code}, expected one of ${allowed.join(', ')}`);
  if (STACK_TRACE.test(output)) problems.push('a stack trace was printed');
  if (/internal error|runCli rejected|RangeError|TypeError:|Cannot read properties/.test(output)) problems.push('an unanticipated error was printed');
  if (testCase.message && !testCase.message.test(output)) problems.push(`the output does not match ${testCase.message}`);
  if (/fuzz-secret-/.test(output)) problems.push('a token was printed');
  if (before !== after) problems.push(`something outside the workspace changed:\n--- before\n${before}\n--- after\n${after}`);
  return problems;
}

test(`fuzz: ${COUNT} seeded hostile workspaces (seed ${SEED}) across every command: bounded, no stack trace, documented exit codes, no write outside, no token sent`, { timeout: 900_000 }, async (t) => {
  const cases = generateCases(seededRandom(SEED), COUNT, { listenerOrigin });
  const cli = freshCliBundle();
  const worker = new Worker();
  const failures: string[] = [];
  const started = performance.now();
  let slowest = { ms: 0, label: '' };
  const byCommand = new Map<string, number>();
  try {
    for (const testCase of cases) {
      byCommand.set(testCase.argv[0]!, (byCommand.get(testCase.argv[0]!) ?? 0) + 1);
      const modes: Array<'in-process' | 'process'> = testCase.id % 10 === 0 ? ['in-process', 'process'] : ['in-process'];
      for (const mode of modes) {
        const sandbox = materialize(testCase);
        try {
          const env = { FLAGLENS_NOW: '2026-11-27T12:00:00Z', HOME: sandbox.home, ...testCase.env };
          const argv = testCase.argv.map((arg) => arg.replaceAll('OUTSIDE', sandbox.outside));
          const before = outsideState(sandbox);
          const caseStarted = performance.now();
          const outcome = mode === 'process' ? await runChild(cli, sandbox.ws, argv, env) : await worker.run(testCase.id, sandbox.ws, argv, env);
          const ms = performance.now() - caseStarted;
          if (ms > slowest.ms) slowest = { ms, label: `#${testCase.id} ${testCase.label} (${argv.join(' ')}, ${mode})` };
          const problems = problemsOf(testCase, outcome, before, outsideState(sandbox));
          if (problems.length) {
            failures.push(`#${testCase.id} ${testCase.label} [${mode}] flaglens ${argv.join(' ')}\n  ${problems.join('\n  ')}\n  exit ${outcome.code}\n  stderr: ${outcome.stderr.slice(0, 600)}`);
          }
        } finally {
          rmSync(sandbox.dir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    worker.stop();
  }
  t.diagnostic(`${cases.length} cases (${Math.ceil(cases.length / 10)} also as real processes) in ${Math.round((performance.now() - started) / 1000)} s; by command: ${[...byCommand].map(([name, count]) => `${name} ${count}`).join(', ')}`);
  t.diagnostic(`slowest: ${Math.round(slowest.ms)} ms, ${slowest.label}`);
  assert.deepEqual(foreignRequests, [], 'no request reached the server a repository pointed a token at');
  assert.equal(failures.length, 0, `${failures.length} of ${cases.length} cases failed (seed ${SEED}):\n\n${failures.join('\n\n')}`);
});
