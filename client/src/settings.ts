// Reads the `flaglens.*` settings from VS Code into the `FlaglensSettings` shape the server pulls with
// `workspace/configuration` (section `flaglens`). The one place the client turns VS Code configuration into
// protocol data, so the server always receives complete settings with defaults filled in.
import * as vscode from 'vscode';
import { defaultSettings, type FlaglensSettings } from '../../protocol/src/index.js';

export const SETTINGS_SECTION = 'flaglens';

/** The effective settings for a scope (a document or folder URI; undefined: the window). */
export function readFlaglensSettings(scope: vscode.Uri | undefined): FlaglensSettings {
  const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope ?? null);
  const staleDays = configuration.get<number | null>('staleDays', defaultSettings.staleDays);
  return {
    hover: { enabled: configuration.get<boolean>('hover.enabled', defaultSettings.hover.enabled) },
    inlayHints: { enabled: configuration.get<boolean>('inlayHints.enabled', defaultSettings.inlayHints.enabled) },
    codeLens: { enabled: configuration.get<boolean>('codeLens.enabled', defaultSettings.codeLens.enabled) },
    // A number below 0 or a non-number is treated as "not set" rather than sent on to the server.
    staleDays: typeof staleDays === 'number' && Number.isFinite(staleDays) && staleDays >= 0 ? staleDays : null,
    scanCache: { enabled: configuration.get<boolean>('scanCache.enabled', defaultSettings.scanCache.enabled) },
    trace: { server: configuration.get<FlaglensSettings['trace']['server']>('trace.server', defaultSettings.trace.server) },
  };
}
