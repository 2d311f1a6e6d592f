// `flaglens.*` settings, pulled from the client per document URI with `workspace/configuration`
// (section `flaglens`), cached per URI and cleared on `workspace/didChangeConfiguration`. Settings never
// live in server globals: every handler asks this cache for the settings of the document it serves.
import type { Connection } from 'vscode-languageserver/node';
import { defaultSettings, type FlaglensSettings } from '../../protocol/src/index.js';

const PULL_TIMEOUT_MS = 3000;
const TIMED_OUT = Symbol('timed out');

export class SettingsCache {
  private byUri = new Map<string, Promise<FlaglensSettings>>();
  /** Settings pushed with didChangeConfiguration, for clients without `workspace/configuration`. */
  private pushed: unknown;

  constructor(
    private readonly connection: Connection,
    private readonly options: { pullSupported: boolean; log: (message: string) => void },
  ) {}

  /** The settings for a document (or the workspace root URI). */
  get(scopeUri: string): Promise<FlaglensSettings> {
    let cached = this.byUri.get(scopeUri);
    if (!cached) {
      cached = this.pull(scopeUri);
      this.byUri.set(scopeUri, cached);
    }
    return cached;
  }

  /** Called on didChangeConfiguration: forget everything; the next request pulls again. */
  clear(pushedSettings?: unknown): void {
    this.byUri.clear();
    if (pushedSettings !== undefined && pushedSettings !== null) this.pushed = (pushedSettings as { flaglens?: unknown }).flaglens ?? this.pushed;
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  private async pull(scopeUri: string): Promise<FlaglensSettings> {
    if (!this.options.pullSupported) return mergeSettings(this.pushed);
    try {
      // A client that never answers must not hold up features: defaults after a few seconds (not cached).
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), PULL_TIMEOUT_MS)));
      const value: unknown = await Promise.race([this.connection.workspace.getConfiguration({ scopeUri, section: 'flaglens' }), timeout]);
      clearTimeout(timer);
      if (value === TIMED_OUT) {
        this.options.log(`workspace/configuration for ${scopeUri} got no answer in ${PULL_TIMEOUT_MS} ms: using defaults`);
        this.byUri.delete(scopeUri);
        return mergeSettings(this.pushed);
      }
      return mergeSettings(value);
    } catch (error) {
      this.options.log(`reading settings for ${scopeUri} failed: ${error instanceof Error ? error.message : String(error)}`);
      this.byUri.delete(scopeUri);
      return mergeSettings(undefined);
    }
  }
}

/** Defaults overlaid with whatever valid values the client sent (unknown or mistyped values are ignored). */
export function mergeSettings(value: unknown): FlaglensSettings {
  const settings: FlaglensSettings = structuredClone(defaultSettings);
  if (!value || typeof value !== 'object') return settings;
  const raw = value as Record<string, unknown>;
  const flag = (section: unknown): boolean | undefined => {
    const enabled = section && typeof section === 'object' ? (section as { enabled?: unknown }).enabled : undefined;
    return typeof enabled === 'boolean' ? enabled : undefined;
  };
  settings.hover.enabled = flag(raw.hover) ?? settings.hover.enabled;
  settings.inlayHints.enabled = flag(raw.inlayHints) ?? settings.inlayHints.enabled;
  settings.codeLens.enabled = flag(raw.codeLens) ?? settings.codeLens.enabled;
  settings.scanCache.enabled = flag(raw.scanCache) ?? settings.scanCache.enabled;
  if (typeof raw.staleDays === 'number' && Number.isFinite(raw.staleDays) && raw.staleDays >= 0) settings.staleDays = raw.staleDays;
  const trace = raw.trace && typeof raw.trace === 'object' ? (raw.trace as { server?: unknown }).server : undefined;
  if (trace === 'off' || trace === 'messages' || trace === 'verbose') settings.trace.server = trace;
  return settings;
}
