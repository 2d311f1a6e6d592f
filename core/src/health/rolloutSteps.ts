// When each flag's current rollout step began, so a health window (`{{window}}`) covers exactly the step:
// the always-valid test on the counts since then needs no other state, whoever looks and however often.
// Flaglens records a step in `.flaglens/steps/<key>.json` when it changes a rollout (bump, abort, watch) and
// when `watch` first meets a step it did not record. A record counts only while the flag is still at its
// percentage; otherwise the step's start is unknown and the window falls back to `metrics.interval`.
import { join } from 'node:path';
import type { MetricsConfig } from '../config.js';
import type { FileSystem, WorkspaceFileWriter } from '../io.js';
import type { FlagState, MetricsWindow } from '../model.js';
import { intervalWindow } from './evaluate.js';

export interface RolloutStepRecord {
  version: 1;
  key: string;
  /** The percentage of the step. */
  percentage: number;
  /** When the step began (ISO-8601). */
  since: string;
  /** `bump`/`abort`: Flaglens changed the rollout; `watch`: watch first met this step (it began earlier). */
  by: 'bump' | 'abort' | 'watch';
}

/** `<stateDirectory>/steps/<key>.json` (the key URI-encoded, so any key is one file name). */
export function rolloutStepFile(stateDirectory: string, key: string): string {
  return join(stateDirectory, 'steps', `${encodeURIComponent(key)}.json`);
}

/** The record for `key`, or undefined when there is none or it is unreadable. */
export function readRolloutStep(fs: FileSystem, stateDirectory: string, key: string): RolloutStepRecord | undefined {
  try {
    const record = JSON.parse(fs.readFile(rolloutStepFile(stateDirectory, key))) as Partial<RolloutStepRecord>;
    if (record.version !== 1 || record.key !== key || typeof record.percentage !== 'number' || typeof record.since !== 'string' || Number.isNaN(Date.parse(record.since))) return undefined;
    return record as RolloutStepRecord;
  } catch {
    return undefined;
  }
}

/**
 * Records that `key` is at `percentage` since `since`. Best effort: the rollout change it follows has happened,
 * so a folder that cannot be written only loses the window (it falls back to the interval); false then.
 */
export function recordRolloutStep(writer: WorkspaceFileWriter, stateDirectory: string, record: Omit<RolloutStepRecord, 'version'>): boolean {
  try {
    writer.writeFile(rolloutStepFile(stateDirectory, record.key), `${JSON.stringify({ version: 1, ...record }, null, 2)}\n`);
    return true;
  } catch {
    return false;
  }
}

/** The record if it still describes the flag's step (same percentage, flag on), else undefined. */
export function currentStep(record: RolloutStepRecord | undefined, flag: Pick<FlagState, 'percentage' | 'enabled'> | undefined): RolloutStepRecord | undefined {
  if (!record || !flag || !flag.enabled || flag.percentage === null) return undefined;
  return record.percentage === flag.percentage ? record : undefined;
}

/** The window of the flag's current step (whole seconds since it began, at least 1), or the interval when unknown. */
export function stepWindow(record: RolloutStepRecord | undefined, flag: Pick<FlagState, 'percentage' | 'enabled'> | undefined, now: Date, metrics: Pick<MetricsConfig, 'interval'>): MetricsWindow {
  const step = currentStep(record, flag);
  if (!step) return intervalWindow(metrics);
  const seconds = Math.max(1, Math.ceil((now.getTime() - Date.parse(step.since)) / 1000));
  return { range: `${seconds}s`, seconds, source: 'step', since: step.since };
}

/** Windows for the flags of a state snapshot, read from their step records (for `HealthEvaluationContext.window`). */
export function rolloutWindows(fs: FileSystem, stateDirectory: string | undefined, flags: readonly FlagState[], now: () => Date, metrics: Pick<MetricsConfig, 'interval'>): (key: string) => MetricsWindow {
  const byKey = new Map(flags.map((flag) => [flag.key, flag]));
  return (key) => stepWindow(stateDirectory ? readRolloutStep(fs, stateDirectory, key) : undefined, byKey.get(key), now(), metrics);
}
