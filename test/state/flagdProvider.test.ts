// The flagd provider on real temporary workspaces: discovery, several files, bad input that loses nothing,
// and guarded bump/abort writes (conflicts, locks, untrusted workspaces) through the provider API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, readdirSync, utimesSync, symlinkSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { FlagdFileProvider, isFlagdFileName } from '../../core/src/state/flagdProvider.js';
import { createStateProviders, loadState } from '../../core/src/state/registry.js';
import { nodeFileWriter } from '../../core/src/nodeIo.js';
import type { FileWriter } from '../../core/src/io.js';
import { NAMED_STATE_FILE_ERROR, RolloutRefusedError } from '../../core/src/model.js';
import { evaluatedShare, noGit, providerContext, temporaryWorkspace } from './helpers.js';
import { flagdTextsHere, type FlagdTextAnalysis } from '../../core/src/state/flagdTexts.js';

const booleanFlag = (key: string, defaultVariant: 'on' | 'off', extra = '') =>
  `  ${key}:\n    state: ENABLED\n    variants: { on: true, off: false }\n    defaultVariant: ${defaultVariant}\n${extra}`;

test('auto-discovery finds *.flagd.{json,yaml,yml} and flags.{json,yaml} with the workspace rules: node_modules, .gitignore (dist, .cache) and excludes are skipped', async (t) => {
  const ws = temporaryWorkspace({
    '.gitignore': 'dist/\n.cache/\n',
    'config/app.flagd.yaml': `flags:\n${booleanFlag('a', 'on')}`,
    'flags.json': '{"flags": {"b": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"}}}',
    'deep/x/y/z.flagd.yml': `flags:\n${booleanFlag('c', 'off')}`,
    'node_modules/pkg/dep.flagd.json': '{"flags": {"nm": {}}}',
    'dist/out.flagd.json': '{"flags": {"dist": {}}}',
    '.cache/hidden.flagd.json': '{"flags": {"hidden": {}}}',
    'fixtures/test.flagd.yaml': `flags:\n${booleanFlag('excluded', 'on')}`,
    'other/flags.yaml': 'colors: [red]\n',
    'readme.md': '# not flags',
    // A dot folder nobody ignores is part of the workspace, and a linked folder is walked (once).
    '.config/team.flagd.json': '{"flags": {}}',
    'shared/linked.flagd.yaml': 'flags: {}\n',
  });
  t.after(ws.cleanup);
  symlinkSync(join(ws.root, 'shared'), join(ws.root, 'config', 'shared-link'));
  symlinkSync(join(ws.root, 'config'), join(ws.root, 'shared', 'back-to-config'));
  const provider = new FlagdFileProvider(providerContext(ws.root, { git: noGit, config: { exclude: ['fixtures/**'] } }));
  const discovered = provider.discoverFiles().files.map((file) => file.slice(ws.root.length + 1));
  assert.deepEqual(discovered, ['.config/team.flagd.json', 'config/app.flagd.yaml', 'config/shared-link/linked.flagd.yaml', 'deep/x/y/z.flagd.yml', 'flags.json', 'other/flags.yaml']);
  const snapshot = await provider.load();
  assert.deepEqual(snapshot.errors, [], 'a flags.yaml that is not flagd is silently someone else’s file');
  assert.deepEqual(snapshot.flags.map((flag) => [flag.key, flag.stage, flag.definition?.file, flag.definition?.line]), [
    ['a', 'released', 'config/app.flagd.yaml', 2],
    ['c', 'off', 'deep/x/y/z.flagd.yml', 2],
    ['b', 'off', 'flags.json', 1],
  ]);
  assert.equal(snapshot.provider, 'flagd');
  assert.equal(snapshot.fetchedAt, '2026-03-01T12:00:00.000Z');
  assert.ok(isFlagdFileName('a.FLAGD.YAML') && !isFlagdFileName('flagd.yaml'));
});

test('state.flagd in the config names the files; a missing one is an error, the others are still read', async (t) => {
  const ws = temporaryWorkspace({ 'state/main.yaml': `flags:\n${booleanFlag('a', 'on')}`, 'ignored.flagd.json': '{"flags": {}}' });
  t.after(ws.cleanup);
  const provider = new FlagdFileProvider(providerContext(ws.root, { git: noGit, config: { state: { flagd: ['state/main.yaml', 'state/gone.flagd.json'] } } }));
  const snapshot = await provider.load();
  assert.deepEqual(snapshot.flags.map((flag) => flag.key), ['a']);
  assert.equal(snapshot.errors.length, 1);
  // A file the config names is the config's error: reported in flaglens.yaml, with the code every command exits 2 on.
  assert.deepEqual([snapshot.errors[0].file, snapshot.errors[0].line, snapshot.errors[0].column], ['flaglens.yaml', 1, 1]);
  assert.equal(snapshot.errors[0].code, NAMED_STATE_FILE_ERROR);
  assert.match(snapshot.errors[0].message, /flagd file state\/gone\.flagd\.json does not exist \(named in flaglens.yaml state.flagd\)/);
});

test('a key defined in two files is an error naming both; a malformed file does not hide the others', async (t) => {
  const ws = temporaryWorkspace({
    'a.flagd.yaml': `flags:\n${booleanFlag('shared', 'on')}${booleanFlag('only-a', 'off')}`,
    'b.flagd.yaml': `# b\nflags:\n${booleanFlag('shared', 'off')}`,
    'c.flagd.json': '{\n  "flags": {\n    "x": { "state": "ENABLED" ]\n  }\n}\n',
  });
  t.after(ws.cleanup);
  const snapshot = await new FlagdFileProvider(providerContext(ws.root, { git: noGit })).load();
  assert.deepEqual(snapshot.flags.map((flag) => [flag.key, flag.percentage]), [
    ['shared', 100],
    ['only-a', 0],
  ]);
  const duplicate = snapshot.errors.find((error) => error.code === 'flagd-duplicate')!;
  assert.deepEqual([duplicate.file, duplicate.line, duplicate.column], ['b.flagd.yaml', 3, 3]);
  assert.match(duplicate.message, /'shared' is defined in both a.flagd.yaml and b.flagd.yaml/);
  const syntax = snapshot.errors.find((error) => error.code === 'flagd-syntax')!;
  assert.equal(syntax.file, 'c.flagd.json');
  assert.equal(syntax.line, 3);
});

test('the registry creates the flagd provider and loadState merges it', async (t) => {
  const ws = temporaryWorkspace({ 'flags.flagd.yaml': `flags:\n${booleanFlag('a', 'on')}` });
  t.after(ws.cleanup);
  const context = providerContext(ws.root, { git: noGit });
  const providers = createStateProviders(context);
  assert.ok(providers.some((provider) => provider.id === 'flagd'));
  const state = await loadState(providers.filter((provider) => provider.id === 'flagd'), context.clock.now());
  assert.deepEqual(state.flags.map((flag) => flag.key), ['a']);
});

test('bump and abort through the provider write the file atomically, leaving no lock or temp file', async (t) => {
  const ws = temporaryWorkspace({ 'flags.flagd.yaml': `# keep me\nflags:\n${booleanFlag('checkout', 'off')}` });
  t.after(ws.cleanup);
  const file = join(ws.root, 'flags.flagd.yaml');
  const provider = new FlagdFileProvider(providerContext(ws.root, { git: noGit }));
  const preview = await provider.previewBump({ key: 'checkout' });
  assert.ok(preview.ok);
  assert.equal(preview.summary, 'off 0% → canary 1%');
  const [before] = (await provider.load()).flags;
  const change = await provider.bump({ key: 'checkout', expected: before });
  assert.deepEqual(change, { key: 'checkout', fromPercentage: 0, toPercentage: 1, fromStage: 'off', toStage: 'canary', summary: 'off 0% → canary 1%' });
  assert.ok(readFileSync(file, 'utf8').startsWith('# keep me\n'));
  assert.equal((await provider.bump({ key: 'checkout', to: 25 })).summary, 'canary 1% → rolling 25%');
  assert.ok(Math.abs(evaluatedShare(readFileSync(file, 'utf8'), 'checkout') - 25) <= 1);
  const aborted = await provider.abort({ key: 'checkout', reason: 'p99 latency' });
  assert.equal(aborted.summary, 'rolling 25% → off 0%');
  const [after] = (await provider.load()).flags;
  assert.deepEqual([after.percentage, after.enabled, after.abortReason, after.abortedAt], [0, true, 'p99 latency', '2026-03-01T12:00:00.000Z']);
  assert.deepEqual(readdirSync(ws.root).sort(), ['flags.flagd.yaml'], 'no lock or temp file is left behind');
});

test('the provider parses through the context\'s flagdTexts (the server\'s worker): once per text, and in place when it is gone', async (t) => {
  const ws = temporaryWorkspace({ 'flags.flagd.yaml': `# keep me\nflags:\n${booleanFlag('checkout', 'off')}${booleanFlag('search', 'on')}` });
  t.after(ws.cleanup);
  const calls: string[] = [];
  let gone = false;
  const elsewhere: FlagdTextAnalysis = {
    analyze: async (text, options) => {
      calls.push('analyze');
      if (gone) throw new Error('the worker is gone');
      return flagdTextsHere.analyze(text, options);
    },
    rolloutEdit: async (text, options, request) => {
      calls.push(`edit ${request.kind} ${request.key}`);
      if (gone) throw new Error('the worker is gone');
      return flagdTextsHere.rolloutEdit(text, options, request);
    },
  };
  const provider = new FlagdFileProvider({ ...providerContext(ws.root, { git: noGit }), flagdTexts: elsewhere });
  const first = await provider.load();
  await provider.load();
  assert.deepEqual(calls, ['analyze'], 'an unchanged text is parsed once');
  await provider.bump({ key: 'checkout', expected: first.flags[0] });
  const bumped = await provider.load();
  assert.deepEqual(calls, ['analyze', 'edit bump checkout'], "the edit's read-back is the next load's analysis");
  assert.equal(bumped.flags.find((flag) => flag.key === 'checkout')?.percentage, 1);
  // Refusals come back as refusals, not as failures of the other thread.
  await assert.rejects(provider.abort({ key: 'search', reason: 'x', expected: { ...bumped.flags[1]!, percentage: 3 } }), (error: unknown) => error instanceof RolloutRefusedError && error.reason === 'conflict');
  gone = true;
  writeFileSync(join(ws.root, 'flags.flagd.yaml'), readFileSync(join(ws.root, 'flags.flagd.yaml'), 'utf8').replace('# keep me', '# edited by hand'));
  const reread = await provider.load();
  assert.equal(reread.flags.length, 2, 'parsed in place when the other thread is gone');
  assert.equal((await provider.abort({ key: 'checkout', reason: 'errors' })).summary, 'canary 1% → off 0%');
  assert.ok(readFileSync(join(ws.root, 'flags.flagd.yaml'), 'utf8').startsWith('# edited by hand\n'));
});

test('refusals: stale expected state, unknown flag, targeted flag, missing reason, untrusted workspace, malformed file', async (t) => {
  const ws = temporaryWorkspace({
    'flags.flagd.yaml': `flags:\n${booleanFlag('a', 'off')}${booleanFlag('rules', 'off', '    targeting: { if: [{ "==": [{ var: plan }, "pro"] }, "on", "off"] }\n')}`,
    'broken.flagd.json': '{ "flags": { "b": ',
  });
  t.after(ws.cleanup);
  const file = join(ws.root, 'flags.flagd.yaml');
  const original = readFileSync(file, 'utf8');
  const provider = new FlagdFileProvider(providerContext(ws.root, { git: noGit }));
  const [seen] = (await provider.load()).flags;
  await provider.bump({ key: 'a', to: 10 });
  const refused = async (promise: Promise<unknown>, reason: string, pattern: RegExp) => {
    await assert.rejects(promise, (error: unknown) => {
      assert.ok(error instanceof RolloutRefusedError, String(error));
      assert.equal(error.reason, reason);
      assert.match(error.message, pattern);
      return true;
    });
  };
  const afterFirst = readFileSync(file, 'utf8');
  await refused(provider.bump({ key: 'a', expected: seen }), 'conflict', /changed since read \(off 0% → now rolling 10%\), retry/);
  await refused(provider.abort({ key: 'a', reason: 'x', expected: seen }), 'conflict', /changed since read/);
  await refused(provider.bump({ key: 'nope' }), 'not-found', /unknown flag 'nope': no flagd file defines it \(broken.flagd.json cannot be parsed: fix it first\)/);
  await refused(provider.bump({ key: 'rules' }), 'unsupported', /targeted by rules \("if"\)/);
  await refused(provider.abort({ key: 'rules', reason: 'x' }), 'unsupported', /targeted by rules/);
  await refused(provider.abort({ key: 'a', reason: '  ' }), 'invalid', /needs a reason/);
  await refused(provider.bump({ key: 'a', to: 101 }), 'invalid', /from 0 to 100/);
  const untrusted = new FlagdFileProvider(providerContext(ws.root, { git: noGit, allowNetwork: false }));
  await refused(untrusted.bump({ key: 'a' }), 'unavailable', /not trusted/);
  assert.equal(readFileSync(file, 'utf8'), afterFirst, 'refused writes change nothing');
  assert.notEqual(afterFirst, original);
  assert.equal(readFileSync(join(ws.root, 'broken.flagd.json'), 'utf8'), '{ "flags": { "b": ', 'a malformed file is never rewritten');
});

test('a change between read and write loses the race with "changed since read, retry"; the other write survives', async (t) => {
  const ws = temporaryWorkspace({ 'flags.flagd.yaml': `flags:\n${booleanFlag('a', 'off')}` });
  t.after(ws.cleanup);
  const file = join(ws.root, 'flags.flagd.yaml');
  const concurrentText = `# someone else's edit\nflags:\n${booleanFlag('a', 'on')}`;
  // A writer that lets another writer change the file just before this one takes the lock.
  const racing: FileWriter = {
    ...nodeFileWriter,
    createExclusive(path, content) {
      if (!existsSync(file + '.changed')) {
        writeFileSync(file, concurrentText);
        writeFileSync(file + '.changed', '');
      }
      return nodeFileWriter.createExclusive(path, content);
    },
  };
  const provider = new FlagdFileProvider(providerContext(ws.root, { git: noGit, writer: racing }));
  await assert.rejects(provider.bump({ key: 'a' }), (error: unknown) => error instanceof RolloutRefusedError && error.reason === 'conflict' && /^flags.flagd.yaml changed since read, retry$/.test(error.message));
  assert.equal(readFileSync(file, 'utf8'), concurrentText, 'no lost update');
  assert.ok(!existsSync(file + '.flaglens.lock'), 'the lock is released after a refusal');
});

test('a held lock makes a write wait then refuse; a stale lock (crashed writer) is taken over', async (t) => {
  const ws = temporaryWorkspace({ 'flags.flagd.yaml': `flags:\n${booleanFlag('a', 'off')}` });
  t.after(ws.cleanup);
  const file = join(ws.root, 'flags.flagd.yaml');
  const lock = file + '.flaglens.lock';
  writeFileSync(lock, '{"pid": 1}');
  const provider = new FlagdFileProvider(providerContext(ws.root, { git: noGit }), { lockWaitMs: 200 });
  await assert.rejects(provider.bump({ key: 'a' }), (error: unknown) => error instanceof RolloutRefusedError && error.reason === 'conflict' && /being changed by another write/.test(error.message));
  assert.ok(existsSync(lock), 'someone else’s fresh lock is left alone');
  const old = new Date(Date.now() - 5 * 60_000);
  utimesSync(lock, old, old);
  const change = await provider.bump({ key: 'a' });
  assert.equal(change.toPercentage, 1);
  assert.ok(!existsSync(lock));
});

test('state.flagd globs match existing files; a glob matching nothing is reported', async (t) => {
  const ws = temporaryWorkspace({ 'config/a.yaml': `flags:\n${booleanFlag('a', 'on')}`, 'config/b.yaml': `flags:\n${booleanFlag('b', 'off')}`, 'config/skip.txt': 'x' });
  t.after(ws.cleanup);
  const provider = new FlagdFileProvider(providerContext(ws.root, { git: noGit, config: { state: { flagd: ['config/*.yaml', 'nothing/**/*.json'] } } }));
  const snapshot = await provider.load();
  assert.deepEqual(snapshot.flags.map((flag) => flag.key), ['a', 'b']);
  assert.equal(snapshot.errors.length, 1);
  assert.match(snapshot.errors[0].message, /no file matches 'nothing\/\*\*\/\*.json'/);
});

test('a symlinked state file is written through the link, which stays a link', async (t) => {
  const ws = temporaryWorkspace({ 'shared/real.flagd.yaml': `flags:\n${booleanFlag('a', 'off')}` });
  t.after(ws.cleanup);
  symlinkSync(join(ws.root, 'shared/real.flagd.yaml'), join(ws.root, 'linked.yaml'));
  const provider = new FlagdFileProvider(providerContext(ws.root, { git: noGit, config: { state: { flagd: ['linked.yaml'] } } }));
  await provider.bump({ key: 'a', to: 50 });
  assert.ok(lstatSync(join(ws.root, 'linked.yaml')).isSymbolicLink());
  assert.match(readFileSync(join(ws.root, 'shared/real.flagd.yaml'), 'utf8'), /\["on", 50\]/);
});

test('auto-discovery that hits its entry limit says so instead of silently missing files', async (t) => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++) files[`src/file${i}.ts`] = '';
  files['z/last.flagd.yaml'] = `flags:\n${booleanFlag('a', 'on')}`;
  const ws = temporaryWorkspace(files);
  t.after(ws.cleanup);
  const snapshot = await new FlagdFileProvider(providerContext(ws.root, { git: noGit }), { discoveryEntryLimit: 10 }).load();
  assert.equal(snapshot.errors.length, 1);
  assert.equal(snapshot.errors[0].code, 'flagd-discovery');
  assert.match(snapshot.errors[0].message, /stopped after 10 folder entries: name the state files in flaglens.yaml/);
});

test('a bump changes only the bytes of the edited values: BOM, CRLF, non-ASCII comments and every other byte survive', async (t) => {
  const original = '\uFEFF# Flags — équipe paiement 🚀\r\nflags:\r\n  a:\r\n    state: ENABLED   # état\r\n    variants: { on: true, off: false }\r\n    defaultVariant: off\r\n    targeting:\r\n      fractional:\r\n        - ["on", 10]\r\n        - ["off", 90]\r\n  b:\r\n    state: ENABLED\r\n    variants: { on: true, off: false }\r\n    defaultVariant: on  # ☕\r\n';
  const ws = temporaryWorkspace({ 'flags.flagd.yaml': original });
  t.after(ws.cleanup);
  const file = join(ws.root, 'flags.flagd.yaml');
  await new FlagdFileProvider(providerContext(ws.root, { git: noGit })).bump({ key: 'a', to: 50 });
  const before = Buffer.from(original, 'utf8');
  const after = readFileSync(file);
  // The common prefix and suffix cover everything but the two weights.
  let prefix = 0;
  while (prefix < before.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < before.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  assert.equal(before.subarray(prefix, before.length - suffix).toString('utf8'), '10]\r\n        - ["off", 9');
  assert.equal(after.subarray(prefix, after.length - suffix).toString('utf8'), '50]\r\n        - ["off", 5');
  assert.ok(after.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'the byte-order mark is kept');
});

test('a state file that is not valid UTF-8 is an error at the bad byte and is never rewritten; a 10 MB+ file and a FIFO are refused', async (t) => {
  const bytes = Buffer.concat([Buffer.from(`flags:\n${booleanFlag('a', 'off')}# caf`), Buffer.from([0xe9]), Buffer.from('\n')]);
  const ws = temporaryWorkspace({});
  t.after(ws.cleanup);
  writeFileSync(join(ws.root, 'flags.flagd.yaml'), bytes);
  const provider = new FlagdFileProvider(providerContext(ws.root, { git: noGit }));
  const snapshot = await provider.load();
  assert.equal(snapshot.errors[0]?.code, 'flagd-unreadable');
  assert.match(snapshot.errors[0].message, /flags\.flagd\.yaml is not valid UTF-8 \(invalid byte 0xe9 at line 6, column 6\): Flaglens does not re-encode files/);
  assert.deepEqual([snapshot.errors[0].line, snapshot.errors[0].column], [6, 6]);
  await assert.rejects(provider.bump({ key: 'a' }), RolloutRefusedError);
  assert.ok(readFileSync(join(ws.root, 'flags.flagd.yaml')).equals(bytes), 'not a byte changed');

  const big = temporaryWorkspace({ 'flags.flagd.yaml': `flags:\n${booleanFlag('a', 'off')}` });
  t.after(big.cleanup);
  const small = await new FlagdFileProvider(providerContext(big.root, { git: noGit }), { maxFileBytes: 50 }).load();
  assert.match(small.errors[0]?.message ?? '', /flags\.flagd\.yaml is too large: more than 50 bytes/);
  const fifo = temporaryWorkspace({ 'flaglens.yaml': 'state: { flagd: pipe.flagd.yaml }\n' });
  t.after(fifo.cleanup);
  execFileSync('mkfifo', [join(fifo.root, 'pipe.flagd.yaml')]);
  const piped = await new FlagdFileProvider(providerContext(fifo.root, { git: noGit, config: { state: { flagd: ['pipe.flagd.yaml'] } } })).load();
  assert.match(piped.errors[0]?.message ?? '', /pipe\.flagd\.yaml is not a regular file/);
});

test('a state file outside the workspace (../, absolute, a symlink out) is read but never written, unless outside writes are allowed', async (t) => {
  const ws = temporaryWorkspace({ 'app/keep.txt': '', 'elsewhere/flags.flagd.yaml': `flags:\n${booleanFlag('a', 'off')}` });
  t.after(ws.cleanup);
  const root = join(ws.root, 'app');
  const outsideFile = join(ws.root, 'elsewhere', 'flags.flagd.yaml');
  const before = readFileSync(outsideFile, 'utf8');
  symlinkSync(outsideFile, join(root, 'linked.flagd.yaml'));
  for (const named of ['../elsewhere/flags.flagd.yaml', outsideFile, 'linked.flagd.yaml']) {
    const provider = new FlagdFileProvider(providerContext(root, { git: noGit, config: { state: { flagd: [named] } } }));
    assert.equal((await provider.load()).flags[0]?.key, 'a', `${named} is read`);
    await assert.rejects(provider.bump({ key: 'a' }), (error: unknown) => {
      assert.ok(error instanceof RolloutRefusedError);
      assert.equal(error.reason, 'outside-workspace');
      assert.match(error.message, /outside the workspace .*--allow-outside-workspace/);
      return true;
    });
    assert.equal(readFileSync(outsideFile, 'utf8'), before, `${named}: nothing written`);
  }
  const allowed = new FlagdFileProvider(providerContext(root, { git: noGit, allowOutsideWorkspace: true, config: { state: { flagd: ['../elsewhere/flags.flagd.yaml'] } } }));
  assert.equal((await allowed.bump({ key: 'a' })).toPercentage, 1);
});

test('a lock left by a dead process is taken over at once, without waiting for it to age', async (t) => {
  const ws = temporaryWorkspace({ 'flags.flagd.yaml': `flags:\n${booleanFlag('a', 'off')}` });
  t.after(ws.cleanup);
  const file = join(ws.root, 'flags.flagd.yaml');
  const dead = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
  writeFileSync(file + '.flaglens.lock', JSON.stringify({ owner: 'flaglens a', pid: dead, host: nodeFileWriter.process.self.host, at: new Date().toISOString() }));
  writeFileSync(join(ws.root, `.flags.flagd.yaml.flaglens-${dead}-0123456789abcdef.tmp`), 'half a file');
  // lockWaitMs 0: only an immediate takeover can succeed.
  const change = await new FlagdFileProvider(providerContext(ws.root, { git: noGit }), { lockWaitMs: 0 }).bump({ key: 'a' });
  assert.equal(change.toPercentage, 1);
  assert.deepEqual(readdirSync(ws.root).sort(), ['flags.flagd.yaml'], 'lock and dead temp file are gone');
});
