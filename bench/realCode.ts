// The real-code benchmark section: the shipped CLI (dist/cli.js) on the shared real-monorepo corpus and on a
// copy of it where most files mention the trigger words (bench/triggerWords.ts), against floors measured in the
// same run, each run its own process, the modes alternated, medians of `runs`: the parse-everything floor (read
// and `ts.createSourceFile` every file the walk lists), `rg` over the same files (the text-search floor), the
// cold scan (an empty cache folder, which it fills), the warm scan (that cache), files parsed and peak RSS. Every
// warm scan must return exactly its cold scan's references, and the trigger-word copy exactly the corpus's.
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { unpackCorpus } from '../scripts/corpus.mjs';
import { nodeFileSystem } from '../core/src/nodeIo.js';
import { listWorkspaceFiles } from '../core/src/scanner/walk.js';
import { buildFloorBundle, measureProcess, medianOf, medianRun, type ProcessMeasurement } from './processes.js';
import { generateTriggerWordsCase } from './triggerWords.js';

export interface RealCodeBenchOptions {
  runs: number;
  workDirectory: string;
  log: (line: string) => void;
}

type Mode = 'floor' | 'rg' | 'cold' | 'warm';
const MODES: Mode[] = ['floor', 'cold', 'warm', 'rg'];

interface ModeFigures {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  /** Median wall and CPU time as a ratio to the floor's medians of the same run. */
  wallToFloor: number;
  cpuToFloor: number;
  parsedFiles?: number;
  cache?: { hits: number; misses: number };
}

export interface RealCaseResult {
  name: string;
  root: string;
  files: number;
  bytes: number;
  references: number;
  modes: Record<Mode, ModeFigures>;
  runs: number;
}

export interface RealCodeBenchResult {
  loadBefore: number[];
  loadAfter: number[];
  cases: RealCaseResult[];
  /** The trigger-word copy's references are the corpus's (same files, lines, columns, keys). */
  triggerCaseMatchesCorpus: boolean;
}

const CLI = join(__dirname, '..', 'dist', 'cli.js');
/** The words rg looks for: SDK names and the everyday first segments of configured checks. */
const RG_PATTERN = 'unleash|launchdarkly|flagsmith|openfeature|posthog|statsig|growthbook|flags|features|config|FeatureFlag';

export async function runRealCodeBench(options: RealCodeBenchOptions): Promise<RealCodeBenchResult> {
  const { log } = options;
  const loadBefore = loadavg();
  log(`load average before: ${loadBefore.map((n) => n.toFixed(2)).join(' ')}`);
  const corpus = unpackCorpus('twenty');
  const realDirectory = join(options.workDirectory, 'real');
  mkdirSync(realDirectory, { recursive: true });
  const triggers = generateTriggerWordsCase(corpus.tree, corpus.config, join(realDirectory, 'twenty-triggers'));
  const floor = buildFloorBundle(options.workDirectory);
  const cases = [
    { name: 'twenty (real corpus)', root: corpus.tree, config: corpus.config },
    { name: `twenty with trigger words in ${triggers.touched} of ${triggers.files} files`, root: triggers.root, config: triggers.config },
  ];
  const results: RealCaseResult[] = [];
  const referenceSets: string[][] = [];
  for (const benchCase of cases) {
    log(`\n${benchCase.name}: ${benchCase.root}`);
    const listing = listWorkspaceFiles(nodeFileSystem, benchCase.root, []).files;
    const relativeFiles = listing.map((path) => relative(benchCase.root, path));
    const bytes = listing.reduce((sum, path) => sum + nodeFileSystem.stat(path).size, 0);
    const cacheDirectory = join(realDirectory, 'cache');
    const scanArgs = (extra: string[]) => [CLI, 'scan', benchCase.root, '--config', benchCase.config, '--format', 'json', ...extra];
    const run = (mode: Mode): ProcessMeasurement => {
      switch (mode) {
        case 'floor':
          return measureProcess(process.execPath, [floor, benchCase.root]);
        case 'rg':
          // One thread, like the others; exit 1 means "no match" to rg.
          return measureProcess('rg', ['-j1', '--no-config', '--no-ignore', '-c', '-e', RG_PATTERN, '--', ...relativeFiles], { cwd: benchCase.root, okCodes: [0, 1] });
        case 'cold':
          rmSync(cacheDirectory, { recursive: true, force: true });
          return measureProcess(process.execPath, scanArgs(['--cache-location', cacheDirectory]));
        case 'warm':
          return measureProcess(process.execPath, scanArgs(['--cache-location', cacheDirectory]));
      }
    };
    // One unmeasured round warms the OS file cache and writes a cache for the first warm run.
    for (const mode of MODES) run(mode);
    const measured: Record<Mode, ProcessMeasurement[]> = { floor: [], rg: [], cold: [], warm: [] };
    let coldReferences: string | undefined;
    for (let round = 0; round < options.runs; round++) {
      for (const mode of MODES) {
        const measurement = run(mode);
        measured[mode].push(measurement);
        if (mode === 'cold' || mode === 'warm') {
          const json = JSON.parse(measurement.stdout) as { references: unknown[] };
          const references = JSON.stringify(json.references);
          if (mode === 'cold') coldReferences = references;
          else if (references !== coldReferences) throw new Error(`${benchCase.name}: the warm scan's references differ from the cold scan's`);
        }
      }
    }
    const floorMedian = medianRun(measured.floor);
    const floorCpu = medianOf(measured.floor.map((m) => m.cpuMs));
    const figures = {} as Record<Mode, ModeFigures>;
    for (const mode of MODES) {
      const median = medianRun(measured[mode]);
      const cpuMs = medianOf(measured[mode].map((m) => m.cpuMs));
      const entry: ModeFigures = { wallMs: median.wallMs, cpuMs, peakRssMb: median.peakRssMb, wallToFloor: median.wallMs / floorMedian.wallMs, cpuToFloor: cpuMs / floorCpu };
      if (mode === 'cold' || mode === 'warm') {
        const json = JSON.parse(median.stdout) as { parsedFiles: number; cache: { hits: number; misses: number } };
        entry.parsedFiles = json.parsedFiles;
        entry.cache = json.cache;
      }
      figures[mode] = entry;
    }
    const references = (JSON.parse(measured.cold[0]!.stdout) as { references: Array<{ file: string; line: number; column: number; key: string | null }> }).references;
    referenceSets.push(references.map((r) => `${r.file}:${r.line}:${r.column} ${r.key}`).sort());
    results.push({ name: benchCase.name, root: benchCase.root, files: listing.length, bytes, references: references.length, modes: figures, runs: options.runs });
    log(`  ${listing.length} files, ${(bytes / 1e6).toFixed(1)} MB; ${references.length} references; median of ${options.runs} runs, alternated`);
    for (const mode of MODES) {
      const f = figures[mode];
      const parsed = f.parsedFiles !== undefined ? `  parsed ${f.parsedFiles}/${listing.length}` : '';
      const cache = f.cache ? `  cache ${f.cache.hits} hits / ${f.cache.misses} misses` : '';
      log(`  ${mode.padEnd(6)} ${f.wallMs.toFixed(0).padStart(6)} ms wall (${f.wallToFloor.toFixed(2)}× floor) ${f.cpuMs.toFixed(0).padStart(6)} ms cpu (${f.cpuToFloor.toFixed(2)}× floor)  peak RSS ${f.peakRssMb.toFixed(0).padStart(4)} MB${parsed}${cache}`);
    }
  }
  const triggerCaseMatchesCorpus = JSON.stringify(referenceSets[0]) === JSON.stringify(referenceSets[1]);
  if (!triggerCaseMatchesCorpus) throw new Error('the trigger-word copy must have exactly the corpus references (its additions check no flag)');
  const loadAfter = loadavg();
  log(`\nload average after: ${loadAfter.map((n) => n.toFixed(2)).join(' ')}; targets: cold ≤ 1.0× floor (goal 0.5×), warm ≤ 0.15× (goal 0.05×), peak RSS ≤ 300 MB`);
  return { loadBefore, loadAfter, cases: results, triggerCaseMatchesCorpus };
}
