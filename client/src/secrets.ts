// Provider tokens (e.g. UNLEASH_TOKEN) kept in VS Code's SecretStorage and handed to the server with the
// `flaglens/setSecrets` notification, together with the Workspace Trust state. Tokens never go to settings,
// to the output channel or to any log; only the variable names are remembered (in global state) so the
// tokens can be found again, because SecretStorage cannot list its keys.
import * as vscode from 'vscode';
import type { SetSecretsNotification } from '../../protocol/src/index.js';

const SECRET_PREFIX = 'flaglens.env.';
const NAMES_KEY = 'flaglens.secretNames';
export const DEFAULT_TOKEN_VARIABLE = 'UNLEASH_TOKEN';

export class TokenStore {
  constructor(private readonly context: vscode.ExtensionContext) {}

  /** Every stored token by environment-variable name, plus the trust state: the notification's params. */
  async secretsParams(): Promise<SetSecretsNotification.Params> {
    const env: Record<string, string> = {};
    for (const name of this.names()) {
      const value = await this.context.secrets.get(SECRET_PREFIX + name);
      if (value) env[name] = value;
    }
    return { env, trusted: vscode.workspace.isTrusted };
  }

  /** Stores (or, with an empty value, deletes) the token for one variable name. */
  async setToken(name: string, value: string): Promise<void> {
    const names = new Set(this.names());
    if (value) {
      await this.context.secrets.store(SECRET_PREFIX + name, value);
      names.add(name);
    } else {
      await this.context.secrets.delete(SECRET_PREFIX + name);
      names.delete(name);
    }
    await this.context.globalState.update(NAMES_KEY, [...names].sort());
  }

  names(): string[] {
    const names = this.context.globalState.get<string[]>(NAMES_KEY, []);
    return names.length ? names : [DEFAULT_TOKEN_VARIABLE];
  }

  /** Fires when any Flaglens token changes (also from another window). */
  onDidChange(listener: () => void): vscode.Disposable {
    return this.context.secrets.onDidChange((event) => {
      if (event.key.startsWith(SECRET_PREFIX)) listener();
    });
  }
}

/** "Flaglens: Set Token": asks which variable and its value (a password box), then stores it. */
export async function promptAndStoreToken(store: TokenStore): Promise<boolean> {
  const otherLabel = 'Another variable name…';
  const picked = await vscode.window.showQuickPick(
    [...new Set([DEFAULT_TOKEN_VARIABLE, ...store.names()])].map((name) => ({ label: name, description: 'environment variable the provider reads' }))
      .concat([{ label: otherLabel, description: 'as named by token.env in flaglens.yaml' }]),
    { title: 'Flaglens: Set Token', placeHolder: 'Which token? (the name flaglens.yaml gives in token.env)' },
  );
  if (!picked) return false;
  let name = picked.label;
  if (name === otherLabel) {
    const typed = await vscode.window.showInputBox({
      title: 'Flaglens: Set Token',
      prompt: 'Environment variable name, as in flaglens.yaml token: { env: NAME }',
      validateInput: (text) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(text) ? undefined : 'Letters, digits and _ only, not starting with a digit'),
    });
    if (!typed) return false;
    name = typed;
  }
  const value = await vscode.window.showInputBox({
    title: `Flaglens: Set Token (${name})`,
    prompt: `Value of ${name}; stored in VS Code's secret storage, never in settings. Leave empty to remove it.`,
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return false;
  await store.setToken(name, value.trim());
  void vscode.window.showInformationMessage(value.trim() ? `Flaglens: ${name} stored in secret storage.` : `Flaglens: ${name} removed.`);
  return true;
}
