// The core does IO only through io.ts: no core file but nodeIo.ts imports node:fs or node:child_process, and
// only http.ts imports undici. Read from the sources, so a new direct import fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const core = join(__dirname, '..', '..', 'core', 'src');
const allowed: Record<string, string[]> = {
  fs: ['nodeIo.ts'],
  child_process: ['nodeIo.ts'],
  undici: ['http.ts'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []));
}

test('core files import node:fs, node:child_process and undici only where the IO layer allows it', () => {
  const offenders: string[] = [];
  for (const file of sources(core)) {
    const text = readFileSync(file, 'utf8');
    const name = relative(core, file).split('\\').join('/');
    for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](?:node:)?(fs|fs\/promises|child_process|undici)['"]/g)) {
      const module = match[1] === 'fs/promises' ? 'fs' : match[1]!;
      if (!allowed[module]!.includes(name)) offenders.push(`${name} imports ${match[1]}`);
    }
  }
  assert.deepEqual(offenders, []);
});
