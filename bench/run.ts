// `npm run bench`: runs the benchmark sections and prints their figures (ratios against baselines
// measured in the same run). Sections are functions in their own files; add one to `sections` below.
// Flags: --only NAME[,NAME] (e.g. --only real), --sizes 1000,5000, --runs N, --edits N.
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/src/nodeIo.js';
import { runRealCodeBench } from './realCode.js';
import { runScannerBench } from './scanner.js';
import { runServerBench } from './server.js';
import { runServerCorpusBench, runServerScaleBench } from './serverCorpus.js';

export interface BenchContext {
  sizes: number[];
  runs: number;
  edits: number;
  workDirectory: string;
  log: (line: string) => void;
}

/** Each section runs with the shared context and returns its figures (written to bench/.work/results.json). */
const sections: Record<string, (context: BenchContext) => Promise<unknown>> = {
  real: (context) => runRealCodeBench(context),
  scanner: (context) => runScannerBench(context),
  server: (context) => runServerBench({ size: 5000, hovers: 500, edits: context.edits, workDirectory: context.workDirectory, log: context.log }),
  'server-corpus': (context) =>
    runServerCorpusBench({ runs: context.runs, hovers: 300, edits: Math.min(context.edits, 100), workDirectory: context.workDirectory, log: context.log }),
  'server-scale': (context) => runServerScaleBench({ runs: context.runs, hovers: 300, edits: 100, workDirectory: context.workDirectory, log: context.log }),
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      sizes: { type: 'string', default: '1000,5000,20000' },
      runs: { type: 'string', default: '3' },
      edits: { type: 'string', default: '200' },
    },
  });
  const sizes = values.sizes!.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
  const only = values.only ? values.only.split(',') : Object.keys(sections);
  const unknown = only.filter((name) => !sections[name]);
  if (unknown.length) throw new Error(`unknown bench section(s): ${unknown.join(', ')} (known: ${Object.keys(sections).join(', ')})`);
  const workDirectory = join(__dirname, '.work');
  mkdirSync(workDirectory, { recursive: true });
  const context: BenchContext = { sizes, runs: Number(values.runs), edits: Number(values.edits), workDirectory, log: (line) => console.log(line) };
  const results: Record<string, unknown> = {};
  for (const name of only) {
    console.log(`== ${name}`);
    results[name] = await sections[name](context);
  }
  // Sections run separately (--only) keep each other's last figures.
  const resultsFile = join(workDirectory, 'results.json');
  const previous = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, unknown>) : {};
  writeFileAtomic(resultsFile, `${JSON.stringify({ ...previous, ...results }, null, 2)}\n`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
