// Whole-process measurements for the benchmark sections: each run is its own process under /usr/bin/time (wall
// time, user + system CPU, peak RSS of the process itself), and the parse-everything floor is a small bundle of
// its own (bench/floor.ts), built here with the same esbuild settings as the shipped CLI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

export interface ProcessMeasurement {
  wallMs: number;
  /** User + system CPU time: steadier than wall time on a shared machine. */
  cpuMs: number;
  peakRssMb: number;
  stdout: string;
}

const TIME = '/usr/bin/time';

/** Runs `command args…` once, measured; throws with its stderr when it fails (exit codes in `okCodes` pass). */
export function measureProcess(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; okCodes?: number[] } = {}): ProcessMeasurement {
  if (!existsSync(TIME)) throw new Error(`${TIME} is needed to measure peak RSS (Debian package "time")`);
  const started = performance.now();
  const run = spawnSync(TIME, ['-f', '\n@@time %U %S %M', command, ...args], { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallMs = performance.now() - started;
  const marker = run.stderr.lastIndexOf('@@time ');
  if (marker < 0) throw new Error(`${command} ${args.slice(0, 3).join(' ')} …: no measurement (${run.error?.message ?? run.stderr.slice(-500)})`);
  const [user, system, maxRssKb] = run.stderr.slice(marker + 7).trim().split(/\s+/).map(Number);
  const ok = options.okCodes ?? [0];
  if (!ok.includes(run.status ?? -1)) throw new Error(`${command} ${args.slice(0, 3).join(' ')} … exited ${run.status}: ${run.stderr.slice(0, marker).slice(-2000)}`);
  return { wallMs, cpuMs: (user + system) * 1000, peakRssMb: maxRssKb / 1024, stdout: run.stdout };
}

/** The run with the median wall time (its CPU time with it), and the highest peak RSS of all runs. */
export function medianRun<T extends { wallMs: number; peakRssMb: number }>(runs: T[]): T {
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  return { ...sorted[Math.floor(sorted.length / 2)]!, peakRssMb: Math.max(...runs.map((run) => run.peakRssMb)) };
}

/** The median of CPU times (taken separately from wall times: on a loaded machine they disagree). */
export function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Builds the parse-everything floor (bench/floor.ts) into the work folder; returns its path. */
export function buildFloorBundle(workDirectory: string): string {
  const outfile = join(workDirectory, 'floor.js');
  buildSync({
    entryPoints: [join(__dirname, 'floor.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    external: ['perf_hooks', 'source-map-support', 'inspector'],
  });
  return outfile;
}
