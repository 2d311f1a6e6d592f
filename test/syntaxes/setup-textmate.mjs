// Installs the grammar-test tools into .cache/textmate/ (outside the project's dependencies, never into
// /work/main/node_modules): vscode-textmate + vscode-oniguruma (VS Code's own tokenizer and regex engine),
// tm-grammars (the TypeScript/JavaScript grammars to inject into) and ajv (JSON-schema validation of the
// example's config and state files). Idempotent: does nothing when the pinned versions are present.
// Exports the folder; run directly (`node test/syntaxes/setup-textmate.mjs`) to install ahead of time.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const textmatePrefix = join(root, '.cache', 'textmate');
const pinned = { 'vscode-textmate': '9.3.2', 'vscode-oniguruma': '2.0.1', 'tm-grammars': '1.32.22', ajv: '8.17.1' };

function installedVersion(name) {
  const file = join(textmatePrefix, 'node_modules', name, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : undefined;
}

export function ensureTextmateTools() {
  const missing = Object.entries(pinned).filter(([name, version]) => installedVersion(name) !== version);
  if (missing.length === 0) return textmatePrefix;
  mkdirSync(textmatePrefix, { recursive: true });
  const manifest = join(textmatePrefix, 'package.json');
  if (!existsSync(manifest)) writeFileSync(manifest, '{ "name": "flaglens-textmate-tools", "private": true }\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['install', '--prefix', textmatePrefix, '--no-audit', '--no-fund', '--no-save', ...missing.map(([n, v]) => `${n}@${v}`)], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return textmatePrefix;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureTextmateTools();
  console.log(`textmate tools ready in ${textmatePrefix}`);
}
