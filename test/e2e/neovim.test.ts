// End to end with a real editor: Debian's Neovim 0.7 (headless) drives `node dist/server.js --stdio` on a
// temp copy of examples/shop through test/e2e/neovim.lua and reports what it saw as JSON: diagnostics
// (FL001 at the stale check), hover (stage and percentage), definition (the flagd file), "Remove flag here" as a
// server command (the path of clients without codeAction/resolve) applied through workspace/applyEdit, completion (keys).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshBundle, REPOSITORY } from '../freshBundle.js';

const CHECKOUT = 'src/server/checkout.ts';

function lineAndCharacter(text: string, needle: string, delta = 0): { line: number; character: number } {
  const offset = text.indexOf(needle);
  assert.notEqual(offset, -1, `'${needle}' not in the example`);
  const before = text.slice(0, offset + delta);
  return { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
}

/** Installs Debian's neovim when it is missing (as .ci/run does), so the test never skips. */
function ensureNeovim(): void {
  if (spawnSync('nvim', ['--version'], { encoding: 'utf8' }).status === 0) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = (args: string[]) => {
    const result = spawnSync(sudo[0] ?? args[0], sudo.length ? args : args.slice(1), {
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    assert.equal(result.status, 0, `${args.join(' ')} failed: ${result.stderr}`);
  };
  run(['apt-get', 'update', '-q']);
  run(['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'neovim']);
}

test('Neovim: diagnostics, hover, definition, Remove flag as a server command through workspace/applyEdit, and completion from the real server', { timeout: 300_000 }, () => {
  ensureNeovim();
  const server = freshBundle('server.js');
  const run = mkdtempSync(join(tmpdir(), 'flaglens-nvim-'));
  try {
    const root = join(run, 'shop');
    cpSync(join(REPOSITORY, 'examples', 'shop'), root, { recursive: true });
    for (const dir of ['config', 'data', 'state', 'cache']) mkdirSync(join(run, dir), { recursive: true });
    const text = readFileSync(join(root, CHECKOUT), 'utf8');
    const checkLine = lineAndCharacter(text, 'FLAGS.NEW_CHECKOUT');
    const freeShipping = text.split('\n')[lineAndCharacter(text, 'FLAGS.FREE_SHIPPING').line];
    const typed = freeShipping.replace('FLAGS.FREE_SHIPPING', "'fr'");
    const plan = {
      server,
      root,
      hover: lineAndCharacter(text, 'FLAGS.NEW_CHECKOUT', 8),
      removeFlag: { line: checkLine.line, position: lineAndCharacter(text, 'FLAGS.NEW_CHECKOUT', 2), title: 'Remove flag `new-checkout` here (keep enabled branch)' },
      completion: {
        line: lineAndCharacter(text, 'FLAGS.FREE_SHIPPING').line,
        text: typed,
        position: { line: lineAndCharacter(text, 'FLAGS.FREE_SHIPPING').line, character: typed.indexOf("'fr'") + 3 },
      },
    };
    const nvim = spawnSync('nvim', ['--headless', '-i', 'NONE', '-n', '-u', join(__dirname, 'neovim.lua'), join(root, CHECKOUT)], {
      cwd: root,
      encoding: 'utf8',
      timeout: 90_000,
      env: {
        ...process.env,
        FLAGLENS_PLAN: JSON.stringify(plan),
        XDG_CONFIG_HOME: join(run, 'config'),
        XDG_DATA_HOME: join(run, 'data'),
        XDG_STATE_HOME: join(run, 'state'),
        XDG_CACHE_HOME: join(run, 'cache'),
        HOME: run,
      },
    });
    const output = nvim.stdout.trim().split('\n').filter((line) => line.startsWith('{')).at(-1);
    assert.ok(output, `no JSON from nvim (status ${nvim.status}): ${nvim.stdout}\n${nvim.stderr}`);
    const result = JSON.parse(output) as {
      error?: string;
      diagnosticsFound: boolean;
      diagnostics: Array<{ code: string; line: number; message: string; source: string }>;
      hover: string | null;
      definition: { uri?: string; targetUri?: string; range?: { start: { line: number } } } | null;
      completion: Array<{ label: string; detail?: string }>;
      removeFlag: { command: string | null; hasEdit: boolean; hasData: boolean } | null;
      removeFlagResult?: { applied?: boolean; error?: string; message?: string };
      bufferAfterRemove?: string;
    };
    assert.equal(result.error, undefined, result.error);
    assert.equal(nvim.status, 0, nvim.stderr);

    // Diagnostics: FL001 exactly at the stale check's line.
    const fl001 = result.diagnostics.filter((diagnostic) => diagnostic.code === 'FL001');
    assert.ok(fl001.some((diagnostic) => diagnostic.line === checkLine.line && /new-checkout/.test(diagnostic.message)), JSON.stringify(result.diagnostics));
    assert.ok(fl001.every((diagnostic) => diagnostic.source === 'flaglens'));

    // Hover: stage and percentage.
    assert.ok(result.hover, 'no hover');
    assert.match(result.hover, /`new-checkout`/);
    assert.match(result.hover, /released 100%/);
    assert.match(result.hover, /1 → 10 → 50 → \*\*100\*\*/);

    // Definition: the flag in flags.flagd.yaml.
    const stateText = readFileSync(join(root, 'flags.flagd.yaml'), 'utf8');
    assert.ok(result.definition, 'no definition');
    assert.match(result.definition.uri ?? result.definition.targetUri ?? '', /\/flags\.flagd\.yaml$/);
    assert.equal(result.definition.range?.start.line, lineAndCharacter(stateText, '  new-checkout:').line);

    // Remove flag (no codeAction/resolve): a server command that type-checks and applies the edit via workspace/applyEdit.
    assert.deepEqual(result.removeFlag, { command: 'flaglens.removeFlag', hasEdit: false, hasData: false });
    assert.deepEqual(result.removeFlagResult, { applied: true });
    assert.doesNotMatch(result.bufferAfterRemove ?? '', /NEW_CHECKOUT/);
    assert.match(result.bufferAfterRemove ?? '', /flow: 'one-page'/);
    assert.equal(readFileSync(join(root, CHECKOUT), 'utf8'), text, 'applied to the buffer, not written to disk');

    // Completion: the known keys, with the stage in the detail.
    const freeShippingItem = result.completion.find((item) => item.label === 'free-shipping');
    assert.ok(freeShippingItem, JSON.stringify(result.completion));
    assert.match(freeShippingItem.detail ?? '', /released 100%/);
    assert.ok(result.completion.some((item) => item.label === 'fast-search'));
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
});
