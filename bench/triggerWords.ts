// The benchmark's second real-shaped case: a copy of a real repository in which most source files mention the
// prefilter's trigger words without checking any flag, as code in a repository whose domain is feature flags
// (or an SDK) does. Lines are appended at the end of each chosen file, so every original position is unchanged
// and a scan must find exactly the original's references. The words: SDK package names (in comments, in plain
// strings, in a few type-only SDK imports), the first segments of configured checks (`flags`, `config`,
// `features`) as identifiers, property names and namespace imports of unrelated sibling modules.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, renameSync, utimesSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { seededRandom, type SeededRandom } from '../test/helpers/seeded.js';
import { nodeFileSystem } from '../core/src/nodeIo.js';
import { listWorkspaceFiles } from '../core/src/scanner/walk.js';

/** Bump when the appended lines change, so a stale copy is generated again. */
const GENERATOR_VERSION = 2;
/** Every generated file gets this modification time, as a checkout long ago would (a cache trusts old times). */
const GENERATED_TIME = new Date('2025-04-12T12:00:00Z');
const MARKER = '.flaglens-trigger-words';

/** Checks a repository like that would declare, whose first segments are everyday words. */
export const TRIGGER_WORD_CHECKS = ['  - call: flags.isEnabled', '  - call: features.isOn', '  - call: config.featureEnabled', '  - property: flagsByName'];

export interface TriggerWordsCase {
  root: string;
  /** flaglens.yaml: the original's checks plus checks named with the trigger words. */
  config: string;
  /** Files that got trigger lines, of all source files. */
  touched: number;
  files: number;
}

/**
 * Copies `sourceRoot` to `targetRoot` (once per generator version) and appends trigger lines to about
 * `share` of its source files; writes a config of the original's checks plus TRIGGER_WORD_CHECKS.
 */
export function generateTriggerWordsCase(sourceRoot: string, sourceConfig: string, targetRoot: string, share = 0.8): TriggerWordsCase {
  const config = `${targetRoot}.flaglens.yaml`;
  const marker = join(targetRoot, MARKER);
  if (existsSync(marker) && existsSync(config)) {
    const recorded = JSON.parse(readFileSync(marker, 'utf8')) as { version: number; share: number; touched: number; files: number };
    if (recorded.version === GENERATOR_VERSION && recorded.share === share) return { root: targetRoot, config, touched: recorded.touched, files: recorded.files };
  }
  const staging = `${targetRoot}.generating-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(staging), { recursive: true });
  cpSync(sourceRoot, staging, { recursive: true, preserveTimestamps: true });
  const files = listWorkspaceFiles(nodeFileSystem, staging, []).files;
  const random = seededRandom(20250412);
  let touched = 0;
  for (const path of files) {
    if (!random.chance(share)) continue;
    touched++;
    writeFileSync(path, readFileSync(path, 'utf8') + triggerLines(path, random));
    utimesSync(path, GENERATED_TIME, GENERATED_TIME);
  }
  writeFileSync(join(staging, MARKER), JSON.stringify({ version: GENERATOR_VERSION, share, touched, files: files.length }));
  rmSync(targetRoot, { recursive: true, force: true });
  renameSync(staging, targetRoot);
  writeFileSync(config, `${readFileSync(sourceConfig, 'utf8').trimEnd()}\n${TRIGGER_WORD_CHECKS.join('\n')}\n`);
  return { root: targetRoot, config, touched, files: files.length };
}

const SDK_NAMES = ['unleash-client', 'launchdarkly-js-client-sdk', 'flagsmith', '@openfeature/server-sdk', 'posthog-js', 'statsig-js', '@growthbook/growthbook', 'flags'];
const TYPE_IMPORTS = [`import type { IFlagsmith } from 'flagsmith';`, `import type { Unleash } from 'unleash-client';`, `import type { LDClient } from 'launchdarkly-js-client-sdk';`];

/** The lines appended to one file: two to five of the shapes below, never a check. */
function triggerLines(path: string, random: SeededRandom): string {
  const id = random.int(1000, 999999);
  const sibling = siblingModule(path, random);
  const shapes: Array<() => string | undefined> = [
    () => `// flags, config and features of this module: see the ${random.pick(SDK_NAMES)} docs and the flags config.`,
    () => `/* features: ${random.pick(SDK_NAMES)} flags are read from config, never here */`,
    () => (sibling ? `import * as features${id} from '${sibling}';\nvoid features${id};` : undefined),
    () => `import { config as flagsConfig${id} } from '../config';\nvoid flagsConfig${id};`,
    () => `export const moduleFlags${id} = { flags: ['flags'], config: 'config', features: { config: true } };`,
    () => `const sdkNames${id} = ['${random.pick(SDK_NAMES)}', '${random.pick(SDK_NAMES)}'];\nvoid sdkNames${id};`,
    () => `function flagsOf${id}(config: { flags?: string[]; features?: string[] }) {\n  return [...(config.flags ?? []), ...(config.features ?? [])];\n}\nvoid flagsOf${id};`,
    () => (random.chance(0.08) ? random.pick(TYPE_IMPORTS) : undefined),
  ];
  const lines: string[] = [];
  const count = random.int(2, 5);
  for (let i = 0; i < count; i++) {
    const line = random.pick(shapes)();
    if (line !== undefined) lines.push(line);
  }
  return `\n${lines.join('\n')}\n`;
}

/** `./name` of another source file in the same folder (an unrelated module), if there is one. */
function siblingModule(path: string, random: SeededRandom): string | undefined {
  const folder = dirname(path);
  const names = readdirSync(folder).filter((name) => /\.(tsx?|jsx?)$/.test(name) && !name.endsWith('.d.ts') && join(folder, name) !== path);
  if (!names.length) return undefined;
  const name = random.pick(names).replace(/\.(tsx?|jsx?)$/, '');
  return `./${relative(folder, join(folder, name))}`;
}
