// Generates a deterministic synthetic monorepo for the scanner benchmark: packages of ordinary
// TypeScript/TSX files (most never touch a flag) plus per-package constants modules, enums, an SDK
// client module, wrapper hooks and flag-checking components, at realistic sizes (~2–6 KB per file).
import { mkdirSync, writeFileSync, existsSync, rmSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';

/** Bump when the generated shape changes, so stale trees under bench/.work are regenerated. */
const GENERATOR_VERSION = 3;
const FILES_PER_PACKAGE = 250;

export interface GeneratedWorkspace {
  root: string;
  files: number;
  bytes: number;
  /** A flag-checking file of about 300 lines, for the incremental benchmark. */
  incrementalFile: string;
}

/** Mulberry32: a tiny deterministic PRNG so every run generates the same tree. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['order', 'invoice', 'customer', 'cart', 'payment', 'shipment', 'product', 'review', 'account', 'session', 'report', 'ledger', 'profile', 'address', 'coupon', 'refund'];

function pick<T>(next: () => number, items: T[]): T {
  return items[Math.floor(next() * items.length)];
}

function capital(word: string): string {
  return word[0].toUpperCase() + word.slice(1);
}

/** An ordinary module: interfaces, a class, functions, string constants; no flags. */
function plainModule(next: () => number, index: number, siblings: number, targetBytes: number): string {
  const noun = pick(next, WORDS);
  const Noun = capital(noun);
  const lines: string[] = [`// ${Noun} utilities (module ${index}).`];
  if (index > 0) lines.push(`import { format${capital(WORDS[(index - 1) % WORDS.length])}Label } from './m${(index - 1) % siblings}';`);
  lines.push(`import { z } from 'zod';`, '');
  lines.push(`export interface ${Noun}Record${index} {`, '  id: string;', '  createdAt: Date;', '  amount: number;', '  tags: string[];', '  status: "open" | "closed" | "pending";', '}', '');
  lines.push(`export const ${noun}Schema${index} = z.object({ id: z.string(), amount: z.number().min(0) });`, '');
  lines.push(`export function format${Noun}Label(record: { id: string; amount: number }): string {`, `  return \`${Noun} #\${record.id}: \${record.amount.toFixed(2)}\`;`, '}', '');
  let n = 0;
  while (lines.join('\n').length < targetBytes) {
    n++;
    const other = pick(next, WORDS);
    lines.push(
      `export class ${Noun}${capital(other)}Service${n} {`,
      `  private readonly cache = new Map<string, ${Noun}Record${index}>();`,
      `  constructor(private readonly endpoint: string, private readonly retries = ${1 + Math.floor(next() * 5)}) {}`,
      '',
      `  async load(id: string): Promise<${Noun}Record${index} | undefined> {`,
      '    const cached = this.cache.get(id);',
      '    if (cached) return cached;',
      `    for (let attempt = 0; attempt < this.retries; attempt++) {`,
      `      const response = await fetch(\`\${this.endpoint}/${other}s/\${encodeURIComponent(id)}\`);`,
      '      if (!response.ok) continue;',
      `      const record = (await response.json()) as ${Noun}Record${index};`,
      '      this.cache.set(id, record);',
      '      return record;',
      '    }',
      '    return undefined;',
      '  }',
      '',
      `  summarize(records: ${Noun}Record${index}[]): { total: number; open: number } {`,
      '    let total = 0;',
      '    let open = 0;',
      '    for (const record of records) {',
      '      total += record.amount;',
      "      if (record.status === 'open') open++;",
      '    }',
      '    return { total, open };',
      '  }',
      '}',
      '',
      `export const ${other.toUpperCase()}_LABELS_${n} = ['${other}-a', '${other}-b', '${other}-c'] as const;`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the tree for `fileCount` files under `directory` (skipped when an identical tree exists). */
export function generateWorkspace(directory: string, fileCount: number): GeneratedWorkspace {
  const marker = join(directory, '.generated.json');
  if (existsSync(marker)) {
    const previous = JSON.parse(readFileSync(marker, 'utf8')) as GeneratedWorkspace & { version: number };
    if (previous.version === GENERATOR_VERSION && previous.files === fileCount) return previous;
  }
  rmSync(directory, { recursive: true, force: true });
  const next = random(fileCount * 7919 + GENERATOR_VERSION);
  let files = 0;
  let bytes = 0;
  const write = (path: string, text: string) => {
    const full = join(directory, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    files++;
    bytes += Buffer.byteLength(text);
  };
  // Not source files: not counted.
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@shared/*': ['packages/shared/src/*'] } } }, null, 2));
  writeFileSync(join(directory, '.gitignore'), 'dist/\n*.log\n');
  // Shared flag infrastructure used by every package through the path alias.
  write('packages/shared/src/flags/keys.ts', `export const FLAGS = {\n${Array.from({ length: 40 }, (_, i) => `  FLAG_${i}: 'shared-flag-${i}',`).join('\n')}\n  checkout: { NEW: 'new-checkout', LEGACY: 'legacy-checkout' },\n} as const;\n`);
  write('packages/shared/src/flags/enum.ts', `export enum FeatureKeys {\n${Array.from({ length: 20 }, (_, i) => `  Key${i} = 'enum-flag-${i}',`).join('\n')}\n}\n`);
  write('packages/shared/src/flags/client.ts', `import { OpenFeature } from '@openfeature/server-sdk';\nexport const featureClient = OpenFeature.getClient('app');\n`);
  write('packages/shared/src/flags/useFeature.ts', `import { useFlags } from 'launchdarkly-react-client-sdk';\nexport const useFeature = (key: string) => Boolean(useFlags()[key]);\n`);
  write('packages/shared/src/flags/index.ts', `export * from './keys';\nexport * from './enum';\nexport * from './client';\nexport * from './useFeature';\n`);
  let incrementalFile = '';
  for (let p = 0; files < fileCount; p++) {
    const base = `packages/pkg${p}/src`;
    const inPackage = Math.min(FILES_PER_PACKAGE, fileCount - files);
    for (let i = 0; i < inPackage && files < fileCount; i++) {
      const roll = next();
      const target = 2000 + Math.floor(next() * 4000);
      const folder = `${base}/${pick(next, WORDS)}`;
      if (roll < 0.06) {
        // A server module checking flags through the shared client with constant and enum keys.
        const k = Math.floor(next() * 40);
        const body = plainModule(next, i, inPackage, target - 600);
        write(
          `${folder}/m${i}.ts`,
          `import { featureClient, FLAGS, FeatureKeys } from '@shared/flags';\n${body}\nexport async function decide${i}(): Promise<boolean> {\n  const a = await featureClient.getBooleanValue(FLAGS.FLAG_${k}, false);\n  const b = await featureClient.getBooleanValue(FeatureKeys.Key${k % 20}, true);\n  return a && b && (await featureClient.getBooleanValue(FLAGS.checkout.NEW, false));\n}\n`,
        );
      } else if (roll < 0.1) {
        // A React component using the wrapper hook.
        const body = plainModule(next, i, inPackage, target - 400);
        write(`${folder}/m${i}.tsx`, `import { useFeature } from '@shared/flags';\n${body}\nexport function Widget${i}() {\n  const on = useFeature('widget-${p}-${i}');\n  return on ? <div className="new">{${i}}</div> : <span>{${i}}</span>;\n}\n`);
      } else if (roll < 0.11) {
        // A local constants module (no flag check of its own).
        write(`${folder}/m${i}.ts`, `${plainModule(next, i, inPackage, target - 300)}\nexport const LOCAL_FLAGS_${i} = { A: 'local-${p}-${i}-a', B: 'local-${p}-${i}-b' } as const;\n`);
      } else {
        write(`${folder}/m${i}.ts`, plainModule(next, i, inPackage, target));
      }
    }
    if (!incrementalFile && files < fileCount) {
      // About 300 lines, checking flags: the file the incremental benchmark edits.
      const lines = [`import { featureClient, FLAGS } from '@shared/flags';`, ''];
      for (let j = 0; lines.length < 300; j++) {
        lines.push(`export async function step${j}(): Promise<number> {`, `  const enabled = await featureClient.getBooleanValue(FLAGS.FLAG_${j % 40}, false);`, `  return enabled ? ${j} : ${j + 1};`, '}', '');
      }
      incrementalFile = `${base}/hot/edited.ts`;
      write(incrementalFile, `${lines.join('\n')}\n`);
    }
  }
  const result: GeneratedWorkspace = { root: directory, files, bytes, incrementalFile };
  writeFileSync(marker, JSON.stringify({ ...result, version: GENERATOR_VERSION }));
  return result;
}
