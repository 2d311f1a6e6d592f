// kill -9 of a real `flaglens bump` and `flaglens cleanup --write`, at each rename (strace injects SIGKILL into
// the Nth rename syscall) and at random moments (a seeded delay): the next command recovers the workspace to
// all-or-nothing — every file old or every file new, never a mix — says so, and leaves no lock, temp file or
// journal behind; a lock of the killed process never blocks the next bump.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { freshCliBundle } from '../helpers/freshCli.js';
import { seededRandom as seeded } from '../helpers/seeded.js';

const FLAGS = `flags:
  old-banner:
    state: ENABLED
    variants: { "on": true, "off": false }
    defaultVariant: "on"
    metadata: { releasedAt: "2020-01-01T00:00:00Z" }
  checkout:
    state: ENABLED
    variants: { "on": true, "off": false }
    defaultVariant: "off"
    targeting:
      fractional:
        - ["on", 10]
        - ["off", 90]
`;
const APP = `import { OpenFeature } from '@openfeature/server-sdk';
const client = OpenFeature.getClient();
export async function banner(): Promise<string> {
  if (await client.getBooleanValue('old-banner', false)) return 'new';
  return 'old';
}
`;
const PAGE = `import { OpenFeature } from '@openfeature/server-sdk';
const client = OpenFeature.getClient();
export async function page(): Promise<number> {
  return (await client.getBooleanValue('old-banner', false)) ? 2 : 1;
}
`;

/** A workspace outside any git repository (git would rename its own index files under strace). */
function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'flaglens-kill-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'flags.flagd.yaml'), FLAGS);
  writeFileSync(join(root, 'src', 'app.ts'), APP);
  writeFileSync(join(root, 'src', 'page.ts'), PAGE);
  return root;
}

const FILES = ['flags.flagd.yaml', 'src/app.ts', 'src/page.ts'];
const snapshot = (root: string) => FILES.map((file) => readFileSync(join(root, file), 'utf8'));

/**
 * Every file but the state and sources: locks, temp files, journals (a `.flaglens/` folder may stay, and so may a
 * completed bump's rollout step record, `.flaglens/steps/<key>.json`, which is its output, not a leftover).
 */
function leftovers(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else found.push(relative(root, path));
    }
  };
  walk(root);
  return found.filter((file) => !FILES.includes(file) && !/^\.flaglens\/steps\/[^/]+\.json$/.test(file)).sort();
}

/** The syscalls by which a write changes the file system (each a point where a crash leaves a different state). */
const MUTATING_SYSCALLS = 'rename,renameat,renameat2,link,linkat,unlink,unlinkat,fsync,fdatasync,mkdir,mkdirat,fchmod';
const RENAMES = 'rename,renameat,renameat2';

/** Runs the CLI; with `strace`, SIGKILL is injected at the `strace.when`-th call of `strace.syscalls` (default: renames). */
function run(cli: string, argv: string[], options: { strace?: number; syscalls?: string } = {}): { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const syscalls = options.syscalls ?? RENAMES;
  const command = options.strace
    ? ['strace', ['-f', '-qq', '-o', '/dev/null', '-e', `trace=${syscalls}`, '-e', `inject=${syscalls}:signal=SIGKILL:when=${options.strace}`, process.execPath, cli, ...argv]]
    : [process.execPath, [cli, ...argv]];
  const result = spawnSync(command[0] as string, command[1] as string[], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, FLAGLENS_NOW: '2026-11-27T12:00:00Z', HOME: tmpdir() } });
  // strace reports the child's SIGKILL as its own exit status 137.
  const killed = result.signal === 'SIGKILL' || result.status === 137;
  return { code: killed ? null : result.status, signal: killed ? 'SIGKILL' : result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** The calls of `syscalls` an uninterrupted run makes, in order (strace's own log of them, one line per call). */
function traceSyscalls(cli: string, argv: string[], syscalls: string): string[] {
  const log = join(mkdtempSync(join(tmpdir(), 'flaglens-strace-')), 'calls.log');
  const result = spawnSync('strace', ['-f', '-qq', '-o', log, '-e', `trace=${syscalls}`, process.execPath, cli, ...argv], { encoding: 'utf8', env: { ...process.env, FLAGLENS_NOW: '2026-11-27T12:00:00Z', HOME: tmpdir() } });
  assert.equal(result.status, 0, result.stderr);
  const calls = readFileSync(log, 'utf8').split('\n').flatMap((line) => /^\d+\s+(\w+)\(/.exec(line)?.[1] ?? []);
  rmSync(join(log, '..'), { recursive: true, force: true });
  return calls;
}

function killAfter(cli: string, argv: string[], ms: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...argv], { stdio: 'ignore', env: { ...process.env, FLAGLENS_NOW: '2026-11-27T12:00:00Z', HOME: tmpdir() } });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal);
    });
  });
}

function assertStraceWorks(): void {
  const probe = spawnSync('strace', ['-qq', '-o', '/dev/null', 'true']);
  assert.equal(probe.status, 0, 'strace must be installed and allowed to trace (apt-get install strace; .ci/run installs it)');
}

test('cleanup --write killed at each rename: the next command completes or rolls back, all or nothing, and says so', { timeout: 300_000 }, () => {
  assertStraceWorks();
  const cli = freshCliBundle();
  const before = (() => {
    const root = workspace();
    const texts = snapshot(root);
    rmSync(root, { recursive: true, force: true });
    return texts;
  })();
  let after: string[] | undefined;
  const outcomes: string[] = [];
  for (let rename = 1; ; rename++) {
    const root = workspace();
    try {
      const killed = run(cli, ['cleanup', 'old-banner', root, '--write'], { strace: rename });
      if (killed.signal !== 'SIGKILL') {
        // No rename left to kill: the write completed by itself.
        assert.equal(killed.code, 0, killed.stderr + killed.stdout);
        after = snapshot(root);
        assert.deepEqual(leftovers(root), [], 'a completed write leaves nothing behind');
        outcomes.push(`rename ${rename}: not reached (${rename - 1} renames)`);
        break;
      }
      const next = run(cli, ['scan', root]);
      assert.equal(next.code, 0, next.stderr);
      const now = snapshot(root);
      const message = /flaglens: an interrupted cleanup --write \(pid \d+\) was (completed|rolled back)/.exec(next.stderr);
      assert.ok(message, `rename ${rename}: the next command says what it recovered:\n${next.stderr}`);
      outcomes.push(`rename ${rename}: ${message[1]}`);
      if (message[1] === 'rolled back') assert.deepEqual(now, before, `rename ${rename}: rolled back to every old file`);
      else assert.notDeepEqual(now, before, `rename ${rename}: completed`);
      assert.deepEqual(leftovers(root), [], `rename ${rename}: no lock, temp file or journal left`);
      if (message[1] === 'completed') {
        // Completed means exactly the text an uninterrupted run writes (compared once that run is known).
        outcomes.push(JSON.stringify(now));
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    assert.ok(rename < 20, 'the write has a bounded number of renames');
  }
  assert.ok(after, 'an uninterrupted run completed');
  for (const line of outcomes.filter((entry) => entry.startsWith('['))) assert.deepEqual(JSON.parse(line), after, 'a completed recovery equals an uninterrupted write');
  assert.ok(outcomes.some((line) => /rolled back/.test(line)) && outcomes.some((line) => /completed/.test(line)), outcomes.join('\n'));
  // The write changed all three files: the definition, and both sources.
  assert.ok(after.every((text, index) => text !== before[index]));
});

test('bump killed at its rename: the old file survives whole, and the dead writer’s lock and temp file never block the next bump', { timeout: 120_000 }, () => {
  assertStraceWorks();
  const cli = freshCliBundle();
  const root = workspace();
  try {
    const killed = run(cli, ['bump', 'checkout', root, '--yes'], { strace: 1 });
    assert.equal(killed.signal, 'SIGKILL');
    assert.equal(readFileSync(join(root, 'flags.flagd.yaml'), 'utf8'), FLAGS, 'the file is the old one, whole');
    assert.ok(leftovers(root).some((file) => file.endsWith('.flaglens.lock')), 'the killed bump left its lock');
    assert.ok(leftovers(root).some((file) => file.endsWith('.tmp')), 'and its temp file');
    const next = run(cli, ['bump', 'checkout', root, '--yes']);
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stdout, /checkout: rolling 10% → rolling 50%/);
    assert.deepEqual(leftovers(root), [], 'lock taken over at once, dead temp file removed');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('kill -9 at random moments of bump and cleanup --write: every next command finds the workspace all old or all new', { timeout: 300_000 }, async (t) => {
  const cli = freshCliBundle();
  const random = seeded(Number(process.env.FLAGLENS_KILL_SEED ?? 20261127));
  // How long an uninterrupted cleanup takes here, so the kills land inside it.
  const probe = workspace();
  const started = performance.now();
  assert.equal(run(cli, ['cleanup', 'old-banner', probe, '--write']).code, 0);
  const cleanupMs = performance.now() - started;
  const complete = snapshot(probe);
  rmSync(probe, { recursive: true, force: true });
  const initial = (() => {
    const root = workspace();
    const texts = snapshot(root);
    rmSync(root, { recursive: true, force: true });
    return texts;
  })();
  let landedInWrites = 0;
  for (let round = 0; round < 6; round++) {
    const root = workspace();
    try {
      const isCleanup = round % 2 === 0;
      // Half of the kills anywhere in the run, half near its end, where the writes are.
      const window = round % 4 < 2 ? [0, 1] : [0.8, 1.05];
      const delay = Math.floor((window[0]! + random() * (window[1]! - window[0]!)) * cleanupMs * (isCleanup ? 1 : 0.6));
      await killAfter(cli, isCleanup ? ['cleanup', 'old-banner', root, '--write'] : ['bump', 'checkout', root, '--yes'], delay);
      const next = run(cli, ['scan', root]);
      assert.equal(next.code, 0, next.stderr);
      const now = snapshot(root);
      if (isCleanup) {
        assert.ok(JSON.stringify(now) === JSON.stringify(initial) || JSON.stringify(now) === JSON.stringify(complete), `round ${round} (kill after ${delay} ms): a mix of old and new files`);
      } else {
        assert.deepEqual(now.slice(1), initial.slice(1), 'a bump touches only the state file');
        assert.ok(now[0] === FLAGS || /\["on", 50\]/.test(now[0]!), `round ${round}: the state file is old or new, whole`);
        // A lock of the killed bump must not block this one.
        assert.equal(run(cli, ['bump', 'checkout', root, '--yes', '--to', '100']).code, 0);
      }
      assert.deepEqual(leftovers(root), [], `round ${round}: no lock, temp file or journal after the next commands`);
      if (/interrupted/.test(next.stderr) || (isCleanup && JSON.stringify(now) === JSON.stringify(complete))) landedInWrites++;
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  t.diagnostic(`${landedInWrites} of 6 kills landed during or after the writes (the rest before them); each rename is covered exactly by the strace test`);
});

test('kill -9 at random points of the write sequence (any rename, link, unlink, fsync, mkdir): the next command recovers all or nothing', { timeout: 300_000 }, (t) => {
  assertStraceWorks();
  const cli = freshCliBundle();
  const random = seeded(Number(process.env.FLAGLENS_KILL_SEED ?? 20261127) + 1);
  const probe = workspace();
  const initial = snapshot(probe);
  const calls = traceSyscalls(cli, ['cleanup', 'old-banner', probe, '--write'], MUTATING_SYSCALLS);
  const complete = snapshot(probe);
  rmSync(probe, { recursive: true, force: true });
  assert.ok(calls.length >= 5, `a cleanup --write makes several mutating calls (${calls.join(', ')})`);
  const points = new Set<number>();
  while (points.size < Math.min(5, calls.length)) points.add(Math.floor(random() * calls.length));
  for (const point of [...points].sort((a, b) => a - b)) {
    // strace counts each syscall on its own: the Nth call overall is the kth call of its kind.
    const syscall = calls[point]!;
    const nth = calls.slice(0, point + 1).filter((name) => name === syscall).length;
    t.diagnostic(`killed at call ${point + 1} of ${calls.length}: ${syscall} #${nth}`);
    const root = workspace();
    try {
      const killed = run(cli, ['cleanup', 'old-banner', root, '--write'], { strace: nth, syscalls: syscall });
      assert.equal(killed.signal, 'SIGKILL', `${syscall} #${nth} was reached`);
      const next = run(cli, ['scan', root]);
      assert.equal(next.code, 0, next.stderr);
      const now = JSON.stringify(snapshot(root));
      assert.ok(now === JSON.stringify(initial) || now === JSON.stringify(complete), `killed at ${syscall} #${nth}: a mix of old and new files`);
      assert.deepEqual(leftovers(root), [], `killed at ${syscall} #${nth}: nothing left behind`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
});
