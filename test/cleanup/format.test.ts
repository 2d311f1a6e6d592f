// The repository's own formatting: a removed statement leaves no stray blank line, nothing outside the edits
// is re-indented, and when the workspace configures and installs Prettier the changed ranges (only those) are
// formatted with it — a real Prettier, installed in a workspace on disk — unless --no-format is given.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../cli/src/main.js';
import { recordingIo } from '../cli/recordingIo.js';
import { checkCleanup } from './fixture.js';

test('a removed statement at the top or bottom of a block leaves no blank line there', () => {
  checkCleanup(
    `
    import { client } from './clients';
    import { track } from './analytics';
    export function run(items: string[]): void {
      const enabled = /*flag*/client.getBooleanValue('new-checkout', false);
      if (!enabled) return;

      for (const item of items) {
        track(item, 1);

        if (!/*flag*/client.getBooleanValue('new-checkout', false)) track('old', 2);
      }
    }
    `,
    `
    import { track } from './analytics';
    export function run(items: string[]): void {
      for (const item of items) {
        track(item, 1);
      }
    }
    `,
  );
});

test('a kept branch on lines of its own is re-indented to where it lands, nothing around it', () => {
  checkCleanup(
    `
    import { client } from './clients';
    export function pick(items: string[], fallback: string): string {
      const choice =
        /*flag*/client.getBooleanValue('new-checkout', false)
          ? items.find(
              (item) => item.startsWith('new'),
            ) ?? fallback
          : fallback;
      return   choice;
    }
    `,
    `
    export function pick(items: string[], fallback: string): string {
      const choice = items.find(
        (item) => item.startsWith('new'),
      ) ?? fallback;
      return   choice;
    }
    `,
  );
});

const repositoryRoot = resolve(__dirname, '../..');
const workspaces: string[] = [];
after(() => {
  for (const workspace of workspaces) rmSync(workspace, { recursive: true, force: true });
});

/** A workspace outside the repository (so no Prettier is found by walking up), with or without Prettier. */
function workspace(options: { configured: boolean; installed: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), 'flaglens-format-'));
  workspaces.push(root);
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'shop', private: true, ...(options.configured ? { prettier: { singleQuote: true, printWidth: 100 } } : {}) }, null, 2));
  if (options.installed) {
    mkdirSync(join(root, 'node_modules'));
    symlinkSync(join(repositoryRoot, 'node_modules/prettier'), join(root, 'node_modules/prettier'), 'dir');
  }
  writeFileSync(
    join(root, 'src/label.ts'),
    [
      "import { OpenFeature } from '@openfeature/web-sdk';",
      '',
      "const client = OpenFeature.getClient('shop');",
      'export const   untouched={a:1};',
      "export const label = () => (client.getBooleanValue('new-checkout', false) ? 'new' : 'old');",
      '',
    ].join('\n'),
  );
  return root;
}

async function cleanupLabel(root: string, extra: string[] = []): Promise<string> {
  const io = recordingIo(repositoryRoot);
  const code = await runCli(['cleanup', 'new-checkout', root, '--value', 'on', '--write', ...extra], io);
  assert.equal(code, 0, io.out + io.err);
  return readFileSync(join(root, 'src/label.ts'), 'utf8');
}

test('Prettier configured and installed: the changed range is formatted, the rest of the file is not', async () => {
  const text = await cleanupLabel(workspace({ configured: true, installed: true }));
  assert.equal(text, "export const   untouched={a:1};\nexport const label = () => 'new';\n");
});

test('--no-format, or Prettier configured but not installed, or installed but not configured: minimal edits', async () => {
  const minimal = "export const   untouched={a:1};\nexport const label = () => ('new');\n";
  assert.equal(await cleanupLabel(workspace({ configured: true, installed: true }), ['--no-format']), minimal);
  assert.equal(await cleanupLabel(workspace({ configured: true, installed: false })), minimal);
  assert.equal(await cleanupLabel(workspace({ configured: false, installed: true })), minimal);
});

test('a check a formatter had put on a line of its own after `:` comes back up as a short literal', () => {
  checkCleanup(
    `
    import { client } from './clients';
    import { track } from './analytics';
    export function save(): void {
      track('settings', {
        newCheckout:
          /*flag*/client.getBooleanValue('new-checkout', false),
      });
    }
    `,
    `
    import { track } from './analytics';
    export function save(): void {
      track('settings', {
        newCheckout: true,
      });
    }
    `,
  );
});
