// The language server's git: the same file history as the CLI's synchronous git (contents per commit, a commit
// where the file was missing), cached per (HEAD, file) so a changed working copy costs no new history, a new
// commit read again; and the process limit that keeps a burst of history reads to a few git processes at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAsyncGitHost, limitConcurrency, nodeGitHost } from '../../core/src/nodeIo.js';

function repository(): { root: string; commit: (message: string, date: string) => void; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'flaglens-git-'));
  const git = (args: string[], date?: string) =>
    execFileSync('git', args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid', ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}) },
    });
  git(['init', '-q']);
  return {
    root,
    commit: (message, date) => {
      git(['add', '-A']);
      git(['commit', '-q', '--allow-empty', '-m', message], date);
    },
    done: () => rmSync(root, { recursive: true, force: true }),
  };
}

test('the asynchronous history equals the synchronous one, including a commit where the file was gone', async () => {
  const repo = repository();
  try {
    const file = join(repo.root, 'flags.flagd.yaml');
    writeFileSync(file, 'flags: {}\n');
    repo.commit('one', '2025-01-01T00:00:00Z');
    writeFileSync(file, 'flags:\n  a: { state: ENABLED }\n');
    repo.commit('two', '2025-01-02T00:00:00Z');
    unlinkSync(file);
    repo.commit('three', '2025-01-03T00:00:00Z');
    writeFileSync(file, 'flags:\n  b: { state: ENABLED }\n');
    repo.commit('four', '2025-01-04T00:00:00Z');
    const expected = nodeGitHost.fileHistory(file) as ReturnType<typeof nodeGitHost.fileHistory> & unknown[];
    const history = await createAsyncGitHost().fileHistory(file);
    assert.equal(history.length, 4);
    assert.deepEqual(history, expected);
    assert.deepEqual(history.map((revision) => revision.content), ['flags:\n  b: { state: ENABLED }\n', undefined, 'flags:\n  a: { state: ENABLED }\n', 'flags: {}\n']);
  } finally {
    repo.done();
  }
});

test('history is cached per HEAD: a working-copy change reuses it, a new commit reads it again', async () => {
  const repo = repository();
  try {
    const file = join(repo.root, 'flags.flagd.yaml');
    writeFileSync(file, 'flags: {}\n');
    repo.commit('one', '2025-01-01T00:00:00Z');
    const git = createAsyncGitHost();
    const first = await git.fileHistory(file);
    writeFileSync(file, 'flags:\n  edited: { state: ENABLED }\n');
    assert.equal(await git.fileHistory(file), first, 'the same HEAD answers from the cache');
    repo.commit('two', '2025-01-02T00:00:00Z');
    const second = await git.fileHistory(file);
    assert.notEqual(second, first);
    assert.equal(second.length, 2);
    assert.equal(second[0]!.content, 'flags:\n  edited: { state: ENABLED }\n');
  } finally {
    repo.done();
  }
});

test('outside a repository the history is empty', async () => {
  const root = mkdtempSync(join(tmpdir(), 'flaglens-nogit-'));
  try {
    writeFileSync(join(root, 'flags.flagd.yaml'), 'flags: {}\n');
    assert.deepEqual(await createAsyncGitHost().fileHistory(join(root, 'flags.flagd.yaml')), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('limitConcurrency runs at most the limit at once, in order', async () => {
  const run = limitConcurrency(2);
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const releases: Array<() => void> = [];
  const tasks = Array.from({ length: 6 }, (_, index) =>
    run(async () => {
      started.push(index);
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running--;
      return index;
    }),
  );
  for (let released = 0; released < 6; released++) {
    while (releases.length === 0) await new Promise((resolve) => setImmediate(resolve));
    assert.ok(running <= 2);
    releases.shift()!();
  }
  assert.deepEqual(await Promise.all(tasks), [0, 1, 2, 3, 4, 5]);
  assert.equal(most, 2);
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
});
