// Provider tokens (e.g. UNLEASH_TOKEN) kept in VS Code's SecretStorage, each for one origin, and handed to the
// server with the `flaglens/setSecrets` notification together with the Workspace Trust state. A token goes only
// to the origin it was stored for: a flaglens.yaml that names another server gets none, and the user is asked
// (the server's `flaglens/tokenRequired`). Tokens never go to settings, to the output channel or to any log;
// only the (variable, origin) pairs are remembered (in global state) because SecretStorage cannot list its keys.
import * as vscode from 'vscode';
import type { SetSecretsNotification, TokenRequiredNotification } from '../../protocol/src/index.js';

const SECRET_PREFIX = 'flaglens.token.';
const TARGETS_KEY = 'flaglens.tokenTargets';
export const DEFAULT_TOKEN_VARIABLE = 'UNLEASH_TOKEN';

/** A token's identity: the variable name flaglens.yaml gives and the origin it may be sent to. */
export interface TokenTarget {
  variable: string;
  origin: string;
}

/** `https://unleash.acme.com` for an http(s) URL or origin, else undefined. */
export function originOf(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

export class TokenStore {
  /** What the server last said flaglens.yaml needs and has no token for. */
  missing: TokenRequiredNotification.Params['missing'] = [];

  constructor(private readonly context: vscode.ExtensionContext) {}

  /** Every stored token with its origin, plus the trust state: the notification's params. */
  async secretsParams(): Promise<SetSecretsNotification.Params> {
    const tokens: SetSecretsNotification.Params['tokens'] = [];
    for (const target of this.targets()) {
      const value = await this.context.secrets.get(secretKey(target));
      if (value) tokens.push({ ...target, value });
    }
    return { tokens, trusted: vscode.workspace.isTrusted };
  }

  /** Stores (or, with an empty value, deletes) the token for one variable at one origin. */
  async setToken(target: TokenTarget, value: string): Promise<void> {
    const targets = this.targets().filter((known) => known.variable !== target.variable || known.origin !== target.origin);
    if (value) {
      await this.context.secrets.store(secretKey(target), value);
      targets.push(target);
    } else {
      await this.context.secrets.delete(secretKey(target));
    }
    targets.sort((a, b) => `${a.variable}@${a.origin}`.localeCompare(`${b.variable}@${b.origin}`));
    await this.context.globalState.update(TARGETS_KEY, targets);
  }

  targets(): TokenTarget[] {
    return this.context.globalState.get<TokenTarget[]>(TARGETS_KEY, []).filter((target) => typeof target?.variable === 'string' && typeof target?.origin === 'string');
  }

  /** Fires when any Flaglens token changes (also from another window). */
  onDidChange(listener: () => void): vscode.Disposable {
    return this.context.secrets.onDidChange((event) => {
      if (event.key.startsWith(SECRET_PREFIX)) listener();
    });
  }
}

function secretKey(target: TokenTarget): string {
  return `${SECRET_PREFIX}${target.variable}@${target.origin}`;
}

/**
 * "Flaglens: Set Token": which token (the ones flaglens.yaml needs, the stored ones, or another), the origin
 * it may be sent to when that is not known yet, then its value (a password box). `preset` skips the choice
 * (the one-click prompt for a missing token).
 */
export async function promptAndStoreToken(store: TokenStore, preset?: TokenTarget): Promise<boolean> {
  const title = 'Flaglens: Set Token';
  let target = preset;
  if (!target) {
    type Item = vscode.QuickPickItem & { target?: TokenTarget; variable?: string };
    const items: Item[] = [];
    const seen = new Set<string>();
    const add = (known: TokenTarget, description: string) => {
      const id = `${known.variable}@${known.origin}`;
      if (seen.has(id)) return;
      seen.add(id);
      items.push({ label: known.variable, description, target: known });
    };
    for (const missing of store.missing) add(missing, `for ${missing.origin} — named in flaglens.yaml, none stored`);
    for (const stored of store.targets()) add(stored, `for ${stored.origin} — stored (replace or remove)`);
    if (!items.some((item) => item.label === DEFAULT_TOKEN_VARIABLE)) items.push({ label: DEFAULT_TOKEN_VARIABLE, description: 'for a server you name', variable: DEFAULT_TOKEN_VARIABLE });
    items.push({ label: 'Another variable name…', description: 'as named by token.env in flaglens.yaml', variable: '' });
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Which token? (the name flaglens.yaml gives in token.env, and its server)' });
    if (!picked) return false;
    if (picked.target) target = picked.target;
    else {
      let variable = picked.variable ?? '';
      if (!variable) {
        const typed = await vscode.window.showInputBox({
          title,
          prompt: 'Environment variable name, as in flaglens.yaml token: { env: NAME }',
          validateInput: (text) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(text) ? undefined : 'Letters, digits and _ only, not starting with a digit'),
        });
        if (!typed) return false;
        variable = typed;
      }
      const origin = await vscode.window.showInputBox({
        title: `${title} (${variable})`,
        prompt: `The server ${variable} may be sent to, as scheme://host[:port] (e.g. https://unleash.example.com). It is sent to no other.`,
        ignoreFocusOut: true,
        validateInput: (text) => (originOf(text) ? undefined : 'An http or https origin, e.g. https://unleash.example.com'),
      });
      if (!origin) return false;
      target = { variable, origin: originOf(origin)! };
    }
  }
  const value = await vscode.window.showInputBox({
    title: `${title} (${target.variable} for ${target.origin})`,
    prompt: `Value of ${target.variable}; stored in VS Code's secret storage, never in settings, and sent to ${target.origin} only. Leave empty to remove it.`,
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return false;
  await store.setToken(target, value.trim());
  void vscode.window.showInformationMessage(
    value.trim() ? `Flaglens: ${target.variable} stored in secret storage (sent to ${target.origin} only).` : `Flaglens: ${target.variable} for ${target.origin} removed.`,
  );
  return true;
}

/**
 * The one-click prompt when flaglens.yaml names a server with no token stored for it: the warning says why
 * nothing was sent, its button opens the password box for exactly that variable and origin. Each pair is asked
 * once per window session.
 */
export function offerMissingTokens(store: TokenStore, params: TokenRequiredNotification.Params, asked: Set<string>, stored: () => Promise<void>): void {
  store.missing = Array.isArray(params?.missing) ? params.missing : [];
  for (const missing of store.missing) {
    const id = `${missing.variable}@${missing.origin}`;
    if (asked.has(id)) continue;
    asked.add(id);
    const action = `Set Token for ${missing.origin}`;
    void vscode.window.showWarningMessage(`Flaglens: ${missing.message}`, action).then(async (choice) => {
      if (choice === action && (await promptAndStoreToken(store, { variable: missing.variable, origin: missing.origin }))) await stored();
    });
  }
}
