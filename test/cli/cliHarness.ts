// Runs the flaglens CLI in-process with a recording CliIo, and builds throwaway workspaces on disk.
import { after } from 'node:test';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CliIo } from '../../cli/src/command.js';
import { runCli } from '../../cli/src/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  prompts: string[];
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Simulates a terminal; answers are given to prompts in order. */
  interactive?: { answers: string[] };
}

/** The instant the example's expectations are written for. */
export const EXAMPLE_NOW = '2026-11-27T12:00:00Z';

export async function runFlaglens(argv: string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const prompts: string[] = [];
  const answers = [...(options.interactive?.answers ?? [])];
  const io: CliIo = {
    cwd: options.cwd ?? process.cwd(),
    env: { FLAGLENS_NOW: EXAMPLE_NOW, ...options.env },
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    isInteractive: options.interactive !== undefined,
    prompt: async (question) => {
      prompts.push(question);
      return answers.shift() ?? '';
    },
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr, prompts };
}

const createdWorkspaces: string[] = [];
// Registered from the importing test file's top level: runs after all of its tests.
after(() => {
  for (const root of createdWorkspaces.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Writes `files` (path → content) into a new temporary folder (removed when the process exits) and returns its path. */
export function makeWorkspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'flaglens-cli-'));
  createdWorkspaces.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** A flagd file with boolean flags: key → { percentage, releasedAt?, state? }. */
export function flagdFile(flags: Record<string, { percentage: number; releasedAt?: string; disabled?: boolean }>): string {
  const lines = ['flags:'];
  for (const [key, flag] of Object.entries(flags)) {
    lines.push(`  ${key}:`, `    state: ${flag.disabled ? 'DISABLED' : 'ENABLED'}`, '    variants:', '      "on": true', '      "off": false');
    if (flag.percentage === 100 || flag.percentage === 0) {
      lines.push(`    defaultVariant: "${flag.percentage === 100 ? 'on' : 'off'}"`);
    } else {
      lines.push('    defaultVariant: "off"', '    targeting:', '      fractional:', `        - ["on", ${flag.percentage}]`, `        - ["off", ${100 - flag.percentage}]`);
    }
    lines.push('    metadata:', '      type: release', '      createdAt: "2026-11-20T00:00:00Z"');
    if (flag.releasedAt) lines.push(`      releasedAt: "${flag.releasedAt}"`);
  }
  return lines.join('\n') + '\n';
}

/** A TypeScript file checking the given keys with OpenFeature, one check per line starting at line 3. */
export function openFeatureSource(keys: string[]): string {
  return [
    "import { OpenFeature } from '@openfeature/server-sdk';",
    "const client = OpenFeature.getClient();",
    ...keys.map((key, index) => `export const check${index} = client.getBooleanValue('${key}', false);`),
  ].join('\n') + '\n';
}
