// How old a last-known state is, in words, for any provider whose source went away ("state from 4 min ago,
// Unleash unreachable"): shown by the CLI, hovers, the Flags view and the status bar.
import type { StateSnapshot } from '../model.js';

/** "state from 4 min ago, Unleash unreachable"; undefined when the state is fresh. */
export function describeStaleness(snapshot: Pick<StateSnapshot, 'fetchedAt' | 'staleness'>, now: Date): string | undefined {
  if (!snapshot.staleness) return undefined;
  return `state from ${formatStateAge(now.getTime() - Date.parse(snapshot.fetchedAt))} ago, ${snapshot.staleness.reason}`;
}

export function formatStateAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}
