// The scanner benchmark section: for each workspace size, the full scan against a baseline that parses
// every file with `ts.createSourceFile` (same run, same listing), each measured in its own child
// process so peak RSS is per run; growth between sizes; and incremental re-scan latency after edits.
// Run through bench/run.ts (`npm run bench`); this file is also the child entry (`--child MODE ROOT`).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ts } from 'ts-morph';
import { defaultConfig } from '../core/src/config.js';
import { nodeFileSystem } from '../core/src/nodeIo.js';
import { ScannerHost, scanWorkspace } from '../core/src/scanner/index.js';
import { listWorkspaceFiles } from '../core/src/scanner/walk.js';
import { scriptKindFor } from '../core/src/scanner/analyze.js';
import { generateWorkspace } from './generate.js';

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

export async function runScannerBench(options: ScannerBenchOptions): Promise<ScannerBenchResult> {
  const { log } = options;
  const result: ScannerBenchResult = { sizes: [] };
  for (const size of options.sizes) {
    const workspace = generateWorkspace(join(options.workDirectory, `repo-${size}`), size);
    log(`\n${size} files (${(workspace.bytes / 1e6).toFixed(1)} MB of TS/TSX) in ${workspace.root}`);
    // One untimed pass of each warms the OS file cache and the module loader's disk cache.
    runChild('baseline', workspace.root);
    runChild('scanner', workspace.root);
    const scannerRuns: ChildMeasurement[] = [];
    const baselineRuns: ChildMeasurement[] = [];
    for (let run = 0; run < options.runs; run++) {
      // Alternate so drift (other processes on the machine) hits both alike.
      baselineRuns.push(runChild('baseline', workspace.root));
      scannerRuns.push(runChild('scanner', workspace.root));
    }
    const scanner = median(scannerRuns);
    const baseline = median(baselineRuns);
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

function runChild(mode: 'scanner' | 'baseline' | 'incremental', root: string, extra: string[] = []): ChildMeasurement {
  const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', mode, root, ...extra], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`bench child ${mode} failed: ${child.stderr}`);
  const lastLine = child.stdout.trim().split('\n').pop()!;
  return JSON.parse(lastLine) as ChildMeasurement;
}

function median(runs: ChildMeasurement[]): ChildMeasurement {
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  const middle = sorted[Math.floor(sorted.length / 2)];
  return { ...middle, peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)) };
}

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

async function childMain(mode: string, root: string, extra: string[]): Promise<void> {
  const cpuStarted = process.cpuUsage();
  const cpuMs = () => {
    const used = process.cpuUsage(cpuStarted);
    return (used.user + used.system) / 1000;
  };
  if (mode === 'baseline') {
    const started = performance.now();
    // Same listing as the scanner (gitignore, excludes), then read and parse every file.
    const listing = listWorkspaceFiles(nodeFileSystem, root, []);
    let bytes = 0;
    let nodes = 0;
    for (const path of listing.files) {
      const text = readFileSync(path, 'utf8');
      bytes += text.length;
      const sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, scriptKindFor(path));
      nodes += sourceFile.statements.length;
    }
    const wallMs = performance.now() - started;
    process.stdout.write(`${JSON.stringify({ wallMs, cpuMs: cpuMs(), files: listing.files.length, bytes, parsedFiles: listing.files.length, references: 0, peakRssMb: peakRssMb(), nodes })}\n`);
    return;
  }
  if (mode === 'scanner') {
    const started = performance.now();
    const result = await scanWorkspace({ root, config: defaultConfig(), fs: nodeFileSystem });
    const wallMs = performance.now() - started;
    const cpu = cpuMs();
    const listing = listWorkspaceFiles(nodeFileSystem, root, []);
    let bytes = 0;
    for (const path of listing.files) bytes += nodeFileSystem.stat(path).size;
    process.stdout.write(`${JSON.stringify({ wallMs, cpuMs: cpu, files: result.files, bytes, parsedFiles: result.parsedFiles, references: result.references.length, peakRssMb: peakRssMb() })}\n`);
    return;
  }
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
