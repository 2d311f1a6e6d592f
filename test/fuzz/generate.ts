// The seeded generator of hostile workspaces for the fuzz suite: valid flagd files, flaglens.yaml and sources
// mutated at random (truncation, stray YAML tokens, bytes that are not UTF-8, deep nesting, alias bombs, odd
// values), plus the file-system attacks found by hand (FIFOs, devices, directories where files belong, files and
// .flaglens/ linked out of the workspace, planted temp files and journals, tokens pointed at a foreign server),
// each paired with a command. A case is plain data, so a failing one can be printed and replayed from its seed.
import type { SeededRandom } from '../helpers/seeded.js';

/** A file to create: text, raw bytes, or something that is not a regular file. */
export type FuzzFile =
  | string
  | { bytes: number[] }
  | { fifo: true }
  | { directory: true }
  | { sparse: number }
  /** A symlink; `outside:` targets resolve in the sandbox's outside/ folder. */
  | { symlink: string };

export interface FuzzCase {
  id: number;
  /** What the case is about, for failure messages. */
  label: string;
  /** Workspace files (path → file). */
  files: Record<string, FuzzFile>;
  argv: string[];
  env: Record<string, string>;
  /** Exit codes the command documents; default by command. */
  exitCodes?: number[];
  /** A pattern the output (stdout or stderr) must match: the specific refusal or error the case provokes. */
  message?: RegExp;
}

/** Documented exit codes per command (README, docs/cli.md). */
export const DOCUMENTED_EXIT_CODES: Record<string, number[]> = {
  scan: [0, 2],
  check: [0, 1, 2],
  flags: [0, 2],
  bump: [0, 1, 2],
  abort: [0, 1, 2],
  cleanup: [0, 1, 2],
  watch: [0, 1, 2],
};

/** The files every victim folder outside the workspace holds; none may change. */
export const OUTSIDE_FILES: Record<string, string> = {
  'victim.txt': 'do not touch\n',
  'victim.flagd.yaml': 'flags:\n  new-checkout:\n    state: ENABLED\n    variants: { "on": true, "off": false }\n    defaultVariant: "off"\n    targeting:\n      fractional:\n        - ["on", 10]\n        - ["off", 90]\n',
  'victim.ts': "import { OpenFeature } from '@openfeature/server-sdk';\nconst client = OpenFeature.getClient();\nexport async function v() {\n  if (await client.getBooleanValue('old-banner', false)) return 1;\n  return 2;\n}\n",
};

const FLAGD_YAML = `# flags of the shop
flags:
  new-checkout:
    state: ENABLED
    variants: { "on": true, "off": false }
    defaultVariant: "off"
    targeting:
      fractional:
        - ["on", 10]
        - ["off", 90]
    metadata: { owner: team-checkout, type: release, createdAt: "2026-01-05" }
  old-banner:
    state: ENABLED
    variants: { "on": true, "off": false }
    defaultVariant: "on"
    metadata: { releasedAt: "2020-01-01T00:00:00Z" }
  dark-mode:
    state: DISABLED
    variants: { "on": true, "off": false }
    defaultVariant: "off"
`;

const FLAGD_JSON = `{
  "flags": {
    "new-checkout": {
      "state": "ENABLED",
      "variants": { "on": true, "off": false },
      "defaultVariant": "off",
      "targeting": { "fractional": [["on", 10], ["off", 90]] }
    },
    "old-banner": { "state": "ENABLED", "variants": { "on": true, "off": false }, "defaultVariant": "on", "metadata": { "releasedAt": "2020-01-01T00:00:00Z" } }
  }
}
`;

const CONFIG = `state:
  flagd: flags.flagd.yaml
checks:
  - call: useFlag
  - jsx: FeatureGate
    attribute: flag
exclude: ["test/**"]
rollout: { steps: [1, 10, 50, 100] }
stale: { releasedDays: 14 }
`;

const APP = `import { OpenFeature } from '@openfeature/server-sdk';
const client = OpenFeature.getClient();
export async function checkout(): Promise<string> {
  if (await client.getBooleanValue('new-checkout', false)) return 'new';
  const banner = await client.getBooleanValue('old-banner', false);
  return banner ? 'banner' : 'plain';
}
`;

const VIEW = `import { useFlag } from './flags';
export function View() {
  const dark = useFlag('dark-mode');
  return dark ? 'dark' : 'light';
}
`;

const TOKENS = ['&a ', '*a', '<<: *a', '[', ']', '{', '}', '"', "'", ': ', '- ', '\t', '\n', '\u0000', '\uFFFF', '.nan', '.inf', '-1e309', '!!binary ', '%YAML 1.1\n', '---\n', '...\n', '? ', '|\n', '>\n', '# ', 'ENABLED', 'fractional: ', '$ref: a', '"\\u', '`${', '/*', '<FeatureGate flag={', ')', '(', '=>', '?.', '??'];

function mutateText(random: SeededRandom, text: string): string {
  let out = text;
  for (let step = random.int(1, 4); step > 0; step--) {
    const at = random.int(0, out.length);
    switch (random.int(0, 5)) {
      case 0:
        out = out.slice(0, at);
        break;
      case 1:
        out = out.slice(0, at) + random.pick(TOKENS) + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + out.slice(Math.min(out.length, at + random.int(1, 40)));
        break;
      case 3: {
        const lines = out.split('\n');
        const line = random.int(0, lines.length - 1);
        lines.splice(line, 0, lines[line] ?? '');
        out = lines.join('\n');
        break;
      }
      case 4:
        out = out.slice(0, at) + 'x'.repeat(random.int(1000, 20_000)) + out.slice(at);
        break;
      default:
        out = out.replace(/\b(10|90|ENABLED|on|off|true|false)\b/, () => random.pick(['-5', '1e400', '"abc"', 'null', '[]', '{}', 'PAUSED', '.inf', '0.5']));
    }
  }
  return out;
}

/** Text with bytes that are not UTF-8 put in at random places. */
function withInvalidBytes(random: SeededRandom, text: string): { bytes: number[] } {
  const bytes = [...Buffer.from(text, 'utf8')];
  for (let count = random.int(1, 3); count > 0; count--) bytes.splice(random.int(0, bytes.length), 0, random.pick([0xff, 0xfe, 0xc0, 0xe9, 0xed, 0x80]));
  return { bytes };
}

function aliasBomb(random: SeededRandom): string {
  const levels = ['metadata:', '  a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  const depth = random.int(6, 12);
  for (let level = 1; level <= depth; level++) levels.push(`  a${level}: &a${level} [${Array(10).fill(`*a${level - 1}`).join(', ')}]`);
  return `${levels.join('\n')}\n${FLAGD_YAML.split('\n').slice(1).join('\n')}`;
}

function deepSource(random: SeededRandom): string {
  const header = "import { OpenFeature } from '@openfeature/server-sdk';\nconst client = OpenFeature.getClient();\n";
  const depth = random.int(8_000, 25_000);
  switch (random.int(0, 3)) {
    case 0:
      return `${header}export const a = ${'('.repeat(depth)}client.getBooleanValue('new-checkout', false)${')'.repeat(depth)};\n`;
    case 1:
      return `${header}export const b = ${"client.getBooleanValue('new-checkout', false) ? 1 : ".repeat(depth)}0;\n`;
    case 2:
      return `${header}export const c = ${'() => '.repeat(Math.floor(depth / 2))}client.getBooleanValue('old-banner', false);\n`;
    default:
      return `${header}export const d = ${Array(Math.floor(depth / 2)).fill("client.getBooleanValue('old-banner', false)").join(' && ')};\n`;
  }
}

function deepYaml(random: SeededRandom): string {
  const depth = random.int(5_000, 30_000);
  const nested = random.chance(0.5) ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{ a: '.repeat(depth)}1${' }'.repeat(depth)}`;
  return `flags:\n  new-checkout: ${nested}\n`;
}

function oddFlagd(random: SeededRandom): string {
  const targeting = random.pick([
    'targeting: { fractional: "abc" }',
    'targeting: { fractional: 7 }',
    'targeting: { fractional: [["on", .nan], ["off", 1]] }',
    'targeting: { fractional: [["on", .inf], ["off", -.inf]] }',
    'targeting: { fractional: [["on", -1], ["off", 1e400]] }',
    'targeting: { fractional: [["on", 1.5], ["off", 2]] }',
    'targeting: { fractional: [["nope", 1], ["off", 1]] }',
    'targeting: { $ref: a }',
    'targeting: { fractional: [[{ var: x }, 1], ["off", 1]] }',
    'targeting: { if: [{ in: ["@acme", { var: email }] }, "on", "off"] }',
  ]);
  const evaluators = random.pick(['', '$evaluators:\n  a: { $ref: b }\n  b: { $ref: a }\n', '$evaluators:\n  a: { if: [true, { $ref: a }, "off"] }\n']);
  return `${evaluators}flags:\n  new-checkout:\n    state: ENABLED\n    variants: { "on": true, "off": false }\n    defaultVariant: "off"\n    ${targeting}\n`;
}

function command(random: SeededRandom): string[] {
  return random.pick([
    ['scan', '.'],
    ['scan', '.', '--format', 'json'],
    ['check', '.'],
    ['check', '.', '--format', 'sarif'],
    ['check', '.', '--format', 'json'],
    ['flags', '.'],
    ['flags', '.', '--format', 'json'],
    ['bump', 'new-checkout', '.', '--yes'],
    ['bump', 'new-checkout', '.', '--to', '100', '--yes'],
    ['abort', 'new-checkout', '.', '--reason', 'fuzz', '--yes'],
    ['cleanup', 'old-banner', '.', '--write'],
    ['cleanup', '--stale', '.', '--write'],
    ['cleanup', 'old-banner', '.'],
  ]);
}

interface Context {
  /** Origin of a loopback listener that must never receive a request. */
  listenerOrigin: string;
}

type Generator = (random: SeededRandom, context: Context) => Omit<FuzzCase, 'id'>;

const base = (): Record<string, FuzzFile> => ({ 'flaglens.yaml': CONFIG, 'flags.flagd.yaml': FLAGD_YAML, 'src/app.ts': APP, 'src/view.tsx': VIEW });

const generators: Array<[weight: number, Generator]> = [
  [18, (random) => ({ label: 'mutated flagd YAML', files: { ...base(), 'flags.flagd.yaml': mutateText(random, FLAGD_YAML) }, argv: command(random), env: {} })],
  [6, (random) => ({ label: 'mutated flagd JSON', files: { ...base(), 'flaglens.yaml': CONFIG.replace('flags.flagd.yaml', 'flags.flagd.json'), 'flags.flagd.json': mutateText(random, FLAGD_JSON) }, argv: command(random), env: {} })],
  [12, (random) => ({ label: 'mutated flaglens.yaml', files: { ...base(), 'flaglens.yaml': mutateText(random, CONFIG) }, argv: command(random), env: {} })],
  [12, (random) => ({ label: 'mutated source', files: { ...base(), 'src/app.ts': mutateText(random, APP), 'src/view.tsx': mutateText(random, VIEW) }, argv: command(random), env: {} })],
  [5, (random) => ({ label: 'flagd not UTF-8', files: { ...base(), 'flags.flagd.yaml': withInvalidBytes(random, FLAGD_YAML) }, argv: random.pick([['bump', 'new-checkout', '.', '--yes'], ['flags', '.'], ['cleanup', 'old-banner', '.', '--write']]), env: {} })],
  [4, (random) => ({ label: 'source and config not UTF-8', files: { ...base(), 'src/app.ts': withInvalidBytes(random, APP), 'flaglens.yaml': random.chance(0.5) ? withInvalidBytes(random, CONFIG) : CONFIG }, argv: command(random), env: {} })],
  [5, (random) => ({ label: 'alias bomb', files: { ...base(), 'flags.flagd.yaml': aliasBomb(random) }, argv: command(random), env: {} })],
  [6, (random) => ({ label: 'deeply nested source', files: { ...base(), 'src/deep.ts': deepSource(random) }, argv: command(random), env: {} })],
  [3, (random) => ({ label: 'deeply nested flagd', files: { ...base(), 'flags.flagd.yaml': deepYaml(random) }, argv: command(random), env: {} })],
  [6, (random) => ({ label: 'invalid flagd values', files: { ...base(), 'flags.flagd.yaml': oddFlagd(random) }, argv: random.pick([['flags', '.'], ['check', '.'], ['bump', 'new-checkout', '.', '--yes'], ['abort', 'new-checkout', '.', '--reason', 'x', '--yes']]), env: {} })],
  [3, (random) => ({
    label: 'flaglens.yaml is a FIFO',
    files: { ...base(), 'flaglens.yaml': { fifo: true } },
    argv: random.pick([['scan', '.'], ['check', '.'], ['bump', 'new-checkout', '.', '--yes']]),
    env: {},
    exitCodes: [2],
    message: /flaglens\.yaml:1:1: config file is not a regular file/,
  })],
  [2, (random) => ({ label: 'flaglens.yaml is a directory', files: { ...base(), 'flaglens.yaml': { directory: true } }, argv: random.pick([['flags', '.'], ['bump', 'new-checkout', '.', '--yes']]), env: {}, exitCodes: [2], message: /config file is a directory/ })],
  [3, (random) => ({
    label: 'state file is a device or FIFO',
    files: { ...base(), 'flaglens.yaml': `state: { flagd: ${random.pick(['/dev/zero', '/dev/urandom', 'pipe.flagd.yaml'])} }\n`, 'pipe.flagd.yaml': { fifo: true } },
    argv: random.pick([['flags', '.'], ['check', '.'], ['bump', 'new-checkout', '.', '--yes']]),
    env: {},
    message: /is not a regular file/,
  })],
  [2, (random) => ({ label: 'state file over 10 MB', files: { ...base(), 'flags.flagd.yaml': { sparse: random.int(10 * 1024 * 1024 + 1, 12 * 1024 * 1024) } }, argv: random.pick([['flags', '.'], ['bump', 'new-checkout', '.', '--yes']]), env: {}, message: /is too large/ })],
  [6, (random) => ({
    label: 'state file outside the workspace',
    files: { ...base(), 'flaglens.yaml': `state: { flagd: ${random.pick(['../outside/victim.flagd.yaml', 'OUTSIDE/victim.flagd.yaml', 'linked.flagd.yaml'])} }\n`, 'linked.flagd.yaml': { symlink: 'outside:victim.flagd.yaml' } },
    argv: random.pick([['bump', 'new-checkout', '.', '--yes'], ['abort', 'new-checkout', '.', '--reason', 'x', '--yes']]),
    env: {},
    exitCodes: [1],
    message: /outside the workspace .*--allow-outside-workspace/,
  })],
  [5, () => ({
    label: 'source linked out of the workspace',
    files: { ...base(), 'src/linked.ts': { symlink: 'outside:victim.ts' } },
    argv: ['cleanup', 'old-banner', '.', '--write'],
    env: {},
    exitCodes: [1],
    message: /refusing to write src\/linked\.ts \(it resolves to .*\): it is outside the workspace/,
  })],
  [4, (random) => ({ label: '.flaglens linked out of the workspace', files: { ...base(), '.flaglens': { symlink: 'outside:' } }, argv: random.pick([['cleanup', 'old-banner', '.', '--write'], ['flags', '.'], ['scan', '.']]), env: {} })],
  [4, (random) => {
    const files = base();
    for (let count = random.int(1, 20); count > 0; count--) {
      const hex = [...Array(16)].map(() => random.pick([...'0123456789abcdef'])).join('');
      files[random.pick([`src/app.ts.flaglens-${random.int(1, 99999)}.tmp`, `src/.app.ts.flaglens-${random.int(1, 99999)}-${hex}.tmp`, `.flags.flagd.yaml.flaglens-${random.int(1, 99999)}-${hex}.tmp`])] = { symlink: 'outside:victim.txt' };
    }
    return { label: 'planted temp-file symlinks', files, argv: random.pick([['cleanup', 'old-banner', '.', '--write'], ['bump', 'new-checkout', '.', '--yes']]), env: {}, exitCodes: [0] };
  }],
  [3, (random) => ({
    label: 'planted journal or lock',
    files: {
      ...base(),
      '.flaglens/write-journal.json': random.pick([
        'not json',
        JSON.stringify({ version: 1, operation: 'x', owner: { pid: 1, host: 'elsewhere' }, phase: 'committing', files: [] }),
        JSON.stringify({ version: 1, operation: 'x', owner: { pid: 999999, host: 'HOST' }, phase: 'committing', files: [{ target: 'OUTSIDE/victim.txt', shown: 'v', temp: 'OUTSIDE/.victim.txt.flaglens-999999-0000000000000000.tmp', afterSha256: '' }] }),
      ]),
      'flags.flagd.yaml.flaglens.lock': random.pick(['', '{"pid": 0, "host": "HOST"}', '{"pid": -1, "host": "HOST"}', 'garbage']),
    },
    argv: command(random),
    env: {},
  })],
  [5, (random, context) => ({
    label: 'token pointed at a foreign server',
    files: { ...base(), 'flaglens.yaml': `state:\n  unleash:\n    url: ${context.listenerOrigin}\n    token: { env: ${random.pick(['AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'UNLEASH_TOKEN'])} }\n` },
    argv: random.pick([['check', '.'], ['flags', '.'], ['bump', 'new-checkout', '.', '--yes'], ['cleanup', '--stale', '.']]),
    env: { AWS_SECRET_ACCESS_KEY: 'fuzz-secret-aws', GITHUB_TOKEN: 'fuzz-secret-gh', UNLEASH_TOKEN: 'fuzz-secret-unleash' },
    exitCodes: [2],
    message: /is not trusted for http:\/\/127\.0\.0\.1:\d+, so it was not sent/,
  })],
  [3, (random) => ({ label: 'malformed tsconfig', files: { ...base(), 'tsconfig.json': mutateText(random, '{ "compilerOptions": { "strict": true }, "extends": "./base.json", "include": ["src"] }\n') }, argv: ['cleanup', 'old-banner', '.', '--write'], env: {} })],
  [3, (random) => ({ label: 'binary and odd sources', files: { ...base(), 'src/bin.ts': { bytes: [...Array(random.int(10, 3000))].map(() => random.int(0, 255)) }, 'src/line.ts': `export const s = '${'y'.repeat(random.int(10_000, 200_000))}';\n`, 'src/fifo.ts': { fifo: true } }, argv: command(random), env: {} })],
];

/** `count` cases from `seed`, with every generator represented (weights decide the rest). */
export function generateCases(random: SeededRandom, count: number, context: Context): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const total = generators.reduce((sum, [weight]) => sum + weight, 0);
  for (let id = 0; id < count; id++) {
    let generator: Generator;
    if (id < generators.length) generator = generators[id]![1];
    else {
      let roll = random() * total;
      generator = generators.find(([weight]) => (roll -= weight) < 0)?.[1] ?? generators[0]![1];
    }
    cases.push({ id, ...generator(random, context) });
  }
  return cases;
}
