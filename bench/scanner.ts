// The synthetic scanner benchmark section: for each size of a generated monorepo, the shipped CLI's scan
// (`dist/cli.js scan --no-cache`, a whole process) against the parse-everything floor (bench/floor.ts: the same
// listing, every file read and parsed with `ts.createSourceFile`), alternated, peak RSS per process; growth
// between sizes; and incremental re-scan latency after edits (in a child process of its own).
// Run through bench/run.ts (`npm run bench`); this file is also the incremental child's entry (`--child MODE ROOT`).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '../core/src/config.js';
import { nodeFileSystem } from '../core/src/nodeIo.js';
import { ScannerHost } from '../core/src/scanner/index.js';
import { listWorkspaceFiles } from '../core/src/scanner/walk.js';
import { generateWorkspace } from './generate.js';
import { buildFloorBundle, measureProcess, medianRun } from './processes.js';

export interface ScannerBenchOptions {
  sizes: number[];
  /** Measured runs per mode and size (the median is reported). */
  runs: number;
  /** Edits for the incremental measurement. */
  edits: number;
  workDirectory: string;
  log: (line: string) => void;
}

interface ChildMeasurement {
  wallMs: number;
  /** User + system CPU time of the measured section: steadier than wall time on a shared machine. */
  cpuMs: number;
  files: number;
  bytes: number;
  parsedFiles: number;
  references: number;
  peakRssMb: number;
}

interface IncrementalMeasurement {
  p50Ms: number;
  p95Ms: number;
  cpuP50Ms: number;
  cpuP95Ms: number;
  edits: number;
  peakRssMb: number;
}

export interface ScannerBenchResult {
  sizes: Array<{ size: number; scanner: ChildMeasurement; baseline: ChildMeasurement; ratio: number; cpuRatio: number }>;
  growth?: { from: number; to: number; scannerRatio: number; baselineRatio: number; scannerCpuRatio: number };
  incremental?: IncrementalMeasurement & { size: number };
}

const CLI = join(__dirname, '..', 'dist', 'cli.js');

export async function runScannerBench(options: ScannerBenchOptions): Promise<ScannerBenchResult> {
  const { log } = options;
  const result: ScannerBenchResult = { sizes: [] };
  const floor = buildFloorBundle(options.workDirectory);
  for (const size of options.sizes) {
    const workspace = generateWorkspace(join(options.workDirectory, `repo-${size}`), size);
    log(`\n${size} files (${(workspace.bytes / 1e6).toFixed(1)} MB of TS/TSX) in ${workspace.root}`);
    const runChild = (mode: 'scanner' | 'baseline', root: string) => runWholeProcess(mode, root, floor);
    // One untimed pass of each warms the OS file cache.
    runChild('baseline', workspace.root);
    runChild('scanner', workspace.root);
    const scannerRuns: ChildMeasurement[] = [];
    const baselineRuns: ChildMeasurement[] = [];
    for (let run = 0; run < options.runs; run++) {
      // Alternate so drift (other processes on the machine) hits both alike.
      baselineRuns.push(runChild('baseline', workspace.root));
      scannerRuns.push(runChild('scanner', workspace.root));
    }
    const scanner = medianRun(scannerRuns);
    const baseline = medianRun(baselineRuns);
    const ratio = scanner.wallMs / baseline.wallMs;
    const cpuRatio = scanner.cpuMs / baseline.cpuMs;
    result.sizes.push({ size, scanner, baseline, ratio, cpuRatio });
    const row = (name: string, m: ChildMeasurement) =>
      `  ${name.padEnd(9)} ${m.wallMs.toFixed(0).padStart(7)} ms wall ${m.cpuMs.toFixed(0).padStart(7)} ms cpu  ${((m.files / m.wallMs) * 1000).toFixed(0).padStart(7)} files/s  ${(m.bytes / 1e6 / (m.wallMs / 1000)).toFixed(1).padStart(6)} MB/s  peak RSS ${m.peakRssMb.toFixed(0).padStart(4)} MB  parsed ${m.parsedFiles}/${m.files}`;
    log(row('baseline', baseline));
    log(row('scanner', scanner));
    log(`  ratio scanner/baseline: ${ratio.toFixed(2)}× wall, ${cpuRatio.toFixed(2)}× cpu  (target ≤ 1.0×)   references found: ${scanner.references}`);
  }
  const bySize = new Map(result.sizes.map((s) => [s.size, s]));
  const growthPairs: Array<[number, number]> = [[5000, 20000]];
  for (const [from, to] of growthPairs) {
    const a = bySize.get(from);
    const b = bySize.get(to);
    if (a && b) {
      result.growth = {
        from,
        to,
        scannerRatio: b.scanner.wallMs / a.scanner.wallMs,
        baselineRatio: b.baseline.wallMs / a.baseline.wallMs,
        scannerCpuRatio: b.scanner.cpuMs / a.scanner.cpuMs,
      };
      log(`\ngrowth ${to}/${from}: scanner ${result.growth.scannerRatio.toFixed(2)}× wall, ${result.growth.scannerCpuRatio.toFixed(2)}× cpu (target ≤ 4.5×); baseline ${result.growth.baselineRatio.toFixed(2)}× wall`);
    }
  }
  if (options.edits > 0) {
    const size = options.sizes.includes(5000) ? 5000 : options.sizes[0];
    const workspace = generateWorkspace(join(options.workDirectory, `repo-${size}`), size);
    const incremental = runChild('incremental', workspace.root, [workspace.incrementalFile, String(options.edits)]) as unknown as IncrementalMeasurement;
    result.incremental = { ...incremental, size };
    log(`\nincremental (${size} files, ${incremental.edits} edits of a 300-line file after 20 warm-up edits): wall p50 ${incremental.p50Ms.toFixed(2)} ms, p95 ${incremental.p95Ms.toFixed(2)} ms; cpu p50 ${incremental.cpuP50Ms.toFixed(2)} ms, p95 ${incremental.cpuP95Ms.toFixed(2)} ms (target ≤ 10 ms p95)`);
  }
  return result;
}

/** One whole process: the CLI's scan without a cache, or the floor; figures from its output and /usr/bin/time. */
function runWholeProcess(mode: 'scanner' | 'baseline', root: string, floor: string): ChildMeasurement {
  if (mode === 'baseline') {
    const run = measureProcess(process.execPath, [floor, root]);
    const out = JSON.parse(run.stdout) as { files: number; bytes: number };
    return { wallMs: run.wallMs, cpuMs: run.cpuMs, files: out.files, bytes: out.bytes, parsedFiles: out.files, references: 0, peakRssMb: run.peakRssMb };
  }
  const run = measureProcess(process.execPath, [CLI, 'scan', root, '--format', 'json', '--no-cache']);
  const out = JSON.parse(run.stdout) as { files: number; parsedFiles: number; references: unknown[] };
  const bytes = listWorkspaceFiles(nodeFileSystem, root, []).files.reduce((sum, path) => sum + nodeFileSystem.stat(path).size, 0);
  return { wallMs: run.wallMs, cpuMs: run.cpuMs, files: out.files, bytes, parsedFiles: out.parsedFiles, references: out.references.length, peakRssMb: run.peakRssMb };
}

function runChild(mode: 'incremental', root: string, extra: string[] = []): ChildMeasurement {
  const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', mode, root, ...extra], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`bench child ${mode} failed: ${child.stderr}`);
  const lastLine = child.stdout.trim().split('\n').pop()!;
  return JSON.parse(lastLine) as ChildMeasurement;
}

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

async function childMain(mode: string, root: string, extra: string[]): Promise<void> {
  if (mode === 'incremental') {
    const [relativeFile, editsText] = extra;
    const edits = Number(editsText);
    const file = join(root, relativeFile);
    const host = new ScannerHost({ root, config: defaultConfig(), fs: nodeFileSystem });
    await host.indexWorkspace();
    const original = readFileSync(file, 'utf8');
    const lines = original.split('\n');
    const timings: number[] = [];
    const cpuTimings: number[] = [];
    // The first edits compile the update path (JIT); a language server is past that after a few keystrokes.
    const warmUpEdits = 20;
    for (let edit = -warmUpEdits; edit < edits; edit++) {
      // Typing-like edits: change one line's key or return value somewhere in the file.
      const copy = [...lines];
      const line = 2 + (((edit + warmUpEdits) * 37) % (lines.length - 4));
      copy[line] = copy[line].replace(/FLAG_(\d+)/, `FLAG_${(edit + 40) % 40}`).replace(/return enabled \? \d+/, `return enabled ? ${edit + 100}`);
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      host.updateFile(file, copy.join('\n'));
      const cpu = process.cpuUsage(cpuBefore);
      if (edit < 0) continue;
      timings.push(performance.now() - started);
      cpuTimings.push((cpu.user + cpu.system) / 1000);
    }
    const quantile = (values: number[], q: number) => {
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    };
    process.stdout.write(
      `${JSON.stringify({ p50Ms: quantile(timings, 0.5), p95Ms: quantile(timings, 0.95), cpuP50Ms: quantile(cpuTimings, 0.5), cpuP95Ms: quantile(cpuTimings, 0.95), edits, peakRssMb: peakRssMb() })}\n`,
    );
    return;
  }
  throw new Error(`unknown bench child mode ${mode}`);
}

if (process.argv[2] === '--child') {
  childMain(process.argv[3], process.argv[4], process.argv.slice(5)).catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
