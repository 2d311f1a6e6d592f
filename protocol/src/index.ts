// The contract between the Flaglens VS Code client and the language server: the settings type and
// every custom request/notification, each declared once here (as in vscode-eslint's shared module).
// Plain types and method names only, so both sides (and other clients such as Neovim) can use it.

/** `flaglens.*` settings, pulled by the server per scope with `workspace/configuration` (section `flaglens`). */
export interface FlaglensSettings {
  /** Show rollout state when hovering a flag check. */
  hover: { enabled: boolean };
  /** Inlay hint after each flag check, e.g. `canary 10% · healthy`. */
  inlayHints: { enabled: boolean };
  /** Code lens per flag in state files ("3 references · canary 10%"). */
  codeLens: { enabled: boolean };
  /** Overrides `stale.releasedDays` from flaglens.yaml when set. */
  staleDays: number | null;
  /** The persistent scan cache (under the user's cache folder, never in the workspace): a start reads only what changed. */
  scanCache: { enabled: boolean };
  /** Protocol tracing in the output channel. */
  trace: { server: 'off' | 'messages' | 'verbose' };
}

export const defaultSettings: FlaglensSettings = {
  hover: { enabled: true },
  inlayHints: { enabled: true },
  codeLens: { enabled: true },
  staleDays: null,
  scanCache: { enabled: true },
  trace: { server: 'off' },
};

/**
 * `initializationOptions` the server accepts. For clients that cannot send flaglens/setSecrets (Neovim,
 * other editors): `trusted: true` allows writes (bump/abort) and network requests from the start.
 * The VS Code client leaves it out and uses SetSecretsNotification.
 */
export interface FlaglensInitializationOptions {
  trusted?: boolean;
}

/**
 * Commands the VS Code client registers and contributes (package.json `contributes.commands`). The server's code
 * actions, code lenses and hover links name them; those taking a flag get its key as the first argument and the
 * URI of its workspace folder as the second (in a workspace of several folders two may define the same key).
 */
export const ClientCommands = {
  /** `[key, folder?]`: move the rollout one step forward, after a confirmation showing from → to and health. */
  bump: 'flaglens.bump',
  /** `[key, folder?]`: send every user the off variant, asking for a reason. */
  abort: 'flaglens.abort',
  refresh: 'flaglens.refresh',
  /** `[key]` (optional): the Flags view, where a flag expands to its references. */
  showFlags: 'flaglens.showFlags',
  /** `[key, folder?]`: the flag's definition in the state file. */
  openDefinition: 'flaglens.openDefinition',
  setToken: 'flaglens.setToken',
} as const;

/**
 * Commands the server executes (`workspace/executeCommand`, announced in `executeCommandProvider`); clients run
 * them from code actions. Their arguments are the server's own data, passed back unchanged.
 */
export const ServerCommands = {
  /**
   * Computes a "Remove flag" fix, type-checks it and applies it with `workspace/applyEdit`: the code action of
   * clients without `codeAction/resolve` (Neovim 0.7). A fix that would add a type error is not applied and the
   * server shows why (`window/showMessage`).
   */
  removeFlag: 'flaglens.removeFlag',
  /** `[message]`: shows why a resolved fix was not applied (the resolved code action carries it instead of an edit). */
  explainRefusal: 'flaglens.explainRefusal',
} as const;

/** One flag as the client shows it (quick picks, tree view, status bar). */
export interface FlagSummary {
  key: string;
  stage: string;
  percentage: number | null;
  enabled: boolean;
  owner?: string;
  type?: string;
  /** Health status: healthy | failing | inconclusive | unknown | unavailable. */
  health: string;
  healthSummary?: string;
  references: Array<{ uri: string; line: number; character: number }>;
  /** Finding codes on this flag (FL001 …). */
  findings: string[];
  stale: boolean;
  /** Definition in the state file, when it has one. */
  definition?: { uri: string; line: number; character: number };
  /** Human age of the state, e.g. "state from 4 min ago, Unleash unreachable"; absent when fresh. */
  stateAge?: string;
}

/** The flags of one workspace folder, as the Flags view groups them when the workspace has several. */
export interface FolderFlags {
  /** The folder's URI, as the client sent it. */
  uri: string;
  name: string;
  flags: FlagSummary[];
  attention: { stale: number; unhealthy: number };
}

/**
 * Client → server: every known flag. Sent for the tree view, the status bar and quick picks. `flags` and
 * `attention` cover every folder; `folders` has them per folder (in the client's order).
 */
export namespace ListFlagsRequest {
  export const method = 'flaglens/listFlags';
  export type Params = Record<string, never>;
  export type Result = { flags: FlagSummary[]; attention: { stale: number; unhealthy: number }; folders: FolderFlags[] };
}

/** Client → server: the flag checked at a position (for commands run with the cursor on a check), and its folder's URI. */
export namespace FlagAtPositionRequest {
  export const method = 'flaglens/flagAtPosition';
  export type Params = { textDocument: { uri: string }; position: { line: number; character: number } };
  export type Result = { key: string; folder?: string } | null;
}

/**
 * Client → server: what a bump would do (from → to, health), without writing. Used for the confirmation. `folder`
 * (a workspace folder's URI) says whose flag it is, in bump and abort too; without it, the first folder defining the key.
 */
export namespace PreviewRolloutRequest {
  export const method = 'flaglens/previewRollout';
  export type Params = { key: string; action: 'bump' | 'abort'; to?: number; folder?: string };
  export type Result = { key: string; from: string; to: string; health: string; healthSummary?: string; refused?: string; warning?: string };
}

/** Client → server: move a rollout one step forward (or to `to`). Refused when unhealthy unless `force`. */
export namespace BumpRolloutRequest {
  export const method = 'flaglens/bump';
  export type Params = { key: string; to?: number; force?: boolean; folder?: string };
  export type Result = { ok: true; summary: string } | { ok: false; reason: string; message: string };
}

/** Client → server: send every user the off variant, recording the reason. */
export namespace AbortRolloutRequest {
  export const method = 'flaglens/abort';
  export type Params = { key: string; reason: string; folder?: string };
  export type Result = { ok: true; summary: string } | { ok: false; reason: string; message: string };
}

/** Client → server: re-read config, state and metrics now (the Refresh command). */
export namespace RefreshRequest {
  export const method = 'flaglens/refresh';
  export type Params = Record<string, never>;
  export type Result = { flags: number };
}

/** Server → client: flags or their state changed; the client refreshes the tree view and status bar. */
export namespace FlagsChangedNotification {
  export const method = 'flaglens/flagsChanged';
  export type Params = { attention: { stale: number; unhealthy: number } };
}

/** A provider token as the client stored it: for one environment-variable name at one origin. */
export interface StoredTokenParams {
  /** The name flaglens.yaml gives in `token.env`, e.g. `UNLEASH_TOKEN`. */
  variable: string;
  /** `scheme://host[:port]` the token was stored for; it is sent to this origin only. */
  origin: string;
  value: string;
}

/**
 * Client → server: secrets (provider tokens) read from SecretStorage, each bound to the origin it was stored
 * for, and whether the workspace is trusted. Sent after start and whenever a token is set or trust is granted.
 * A flaglens.yaml that names another origin gets no token. Tokens never appear in settings or logs.
 */
export namespace SetSecretsNotification {
  export const method = 'flaglens/setSecrets';
  export type Params = { tokens: StoredTokenParams[]; trusted: boolean };
}

/**
 * Server → client: flaglens.yaml asks to send tokens that have none stored for their origin, so nothing was
 * sent. The client offers "Set Token" for each (one click). Sent whenever the list changes (also when empty).
 */
export namespace TokenRequiredNotification {
  export const method = 'flaglens/tokenRequired';
  export type Params = { missing: Array<{ provider: string; variable: string; origin: string; message: string }> };
}

/**
 * Server → client: the flaglens.yaml `flaglens init` would write for a workspace without one, to show unsaved (the
 * "Show" answer when the server offers to add it with `window/showMessageRequest`; "Add" is a
 * `workspace/applyEdit` creating the file, so undo works). `uri` is where the file would be. A client that cannot
 * open an untitled document ignores it.
 */
export namespace ShowConfigProposalNotification {
  export const method = 'flaglens/showConfigProposal';
  export type Params = { uri: string; text: string };
}

/** The answers of the server's offer to add a flaglens.yaml (`window/showMessageRequest` action titles). */
export const ConfigProposalActions = { add: 'Add', show: 'Show', notNow: 'Not now' } as const;
