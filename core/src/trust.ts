// Which provider token may be sent to which server. flaglens.yaml names the server, and it comes from the
// repository (a pull request can edit it), so the pairing "this secret may go to this origin" must come from
// outside it: `FLAGLENS_TRUST` or the user's own config file for the CLI, the token stored per origin for the
// editor. A token that is not trusted for the configured origin is never sent; the front-ends report why and
// how to trust it.
import { isAbsolute, join } from 'node:path';
import { parseDocument, LineCounter, isMap, isSeq, isScalar, type Node } from 'yaml';
import type { FlaglensConfig } from './config.js';
import { MAX_INPUT_FILE_BYTES, describeReadError, type FileSystem } from './io.js';
import type { InputError } from './model.js';

/** "VARIABLE may be sent to ORIGIN", declared outside the repository. */
export interface TrustEntry {
  variable: string;
  /** `scheme://host[:port]`, normalized. */
  origin: string;
}

export type TokenGrant = { ok: true; value: string } | { ok: false; reason: 'missing' | 'untrusted'; message: string };

/** Where providers get their tokens: always for one variable and the origin it will be sent to. */
export interface TokenVault {
  tokenFor(variable: string, url: string): TokenGrant;
}

/** A token the editor stored with "Flaglens: Set Token", for one variable at one origin. */
export interface StoredToken {
  variable: string;
  origin: string;
  value: string;
}

export const TRUST_VARIABLE = 'FLAGLENS_TRUST';
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The origin of an http(s) URL (`https://unleash.acme.com`), or undefined for anything else. */
export function httpOrigin(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Parses one `VARIABLE@origin` entry; a string is the problem with it. */
export function parseTrustEntry(text: string): TrustEntry | string {
  const entry = text.trim();
  const at = entry.indexOf('@');
  if (at <= 0) return `'${entry}' must be VARIABLE@origin, e.g. UNLEASH_TOKEN@https://unleash.example.com`;
  const variable = entry.slice(0, at);
  const originText = entry.slice(at + 1);
  if (!VARIABLE_NAME.test(variable)) return `'${entry}': ${variable} is not an environment variable name`;
  let url: URL;
  try {
    url = new URL(originText);
  } catch {
    return `'${entry}': ${originText} is not an origin like https://unleash.example.com`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `'${entry}': only http and https origins can be trusted`;
  if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || /\/./.test(originText.replace(/^https?:\/\//i, ''))) {
    return `'${entry}': give the origin only (scheme://host[:port]), without a path`;
  }
  return { variable, origin: url.origin };
}

/** Parses `FLAGLENS_TRUST` (comma-separated `VARIABLE@origin` pairs). */
export function parseTrustList(text: string): { entries: TrustEntry[]; errors: string[] } {
  const entries: TrustEntry[] = [];
  const errors: string[] = [];
  for (const part of text.split(',')) {
    if (!part.trim()) continue;
    const parsed = parseTrustEntry(part);
    if (typeof parsed === 'string') errors.push(parsed);
    else entries.push(parsed);
  }
  return { entries, errors };
}

/** The user's own config file (`$XDG_CONFIG_HOME/flaglens/config.yaml`): `trust:` a list of `VARIABLE@origin`. */
export function parseUserConfig(text: string, file: string): { trust: TrustEntry[]; errors: InputError[] } {
  const lineCounter = new LineCounter();
  // Aliases are never resolved here (an alias is not a string entry), so none can make the file expensive to read.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const errors: InputError[] = [];
  const report = (node: Node | null | undefined, message: string) => {
    const position = lineCounter.linePos(node?.range?.[0] ?? 0);
    errors.push({ file, line: position.line, column: position.col, message, code: 'user-config' });
  };
  for (const error of document.errors) {
    const position = lineCounter.linePos(error.pos[0]);
    errors.push({ file, line: position.line, column: position.col, message: `invalid YAML: ${error.message.split('\n')[0]}`, code: 'user-config' });
  }
  const trust: TrustEntry[] = [];
  const root = document.contents;
  if (errors.length || root === null || (isScalar(root) && root.value === null)) return { trust, errors };
  if (!isMap(root)) {
    report(root, 'the Flaglens user config must be a mapping (trust: [...])');
    return { trust, errors };
  }
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key !== 'trust') {
      report(pair.key as Node, `unknown setting '${key}' (expected: trust)`);
      continue;
    }
    const value = pair.value as Node | null;
    if (!value || !isSeq(value)) {
      report(value ?? (pair.key as Node), 'trust must be a list of VARIABLE@origin entries');
      continue;
    }
    for (const item of value.items as Node[]) {
      const parsed = isScalar(item) && typeof item.value === 'string' ? parseTrustEntry(item.value) : 'each trust entry must be a string VARIABLE@origin';
      if (typeof parsed === 'string') report(item, parsed);
      else trust.push(parsed);
    }
  }
  return { trust, errors };
}

/**
 * The CLI's tokens: the value from the environment, sent only when the pair VARIABLE@origin is trusted
 * (`FLAGLENS_TRUST` or the user config file). `userConfigFile` is named in the advice.
 */
export function environmentTokenVault(env: Record<string, string | undefined>, trusted: readonly TrustEntry[], userConfigFile = '~/.config/flaglens/config.yaml'): TokenVault {
  return {
    tokenFor(variable, url) {
      const value = env[variable];
      const origin = httpOrigin(url) ?? url;
      if (!value) return { ok: false, reason: 'missing', message: `no token: set the environment variable ${variable}` };
      if (trusted.some((entry) => entry.variable === variable && entry.origin === origin)) return { ok: true, value };
      return {
        ok: false,
        reason: 'untrusted',
        message:
          `${variable} is not trusted for ${origin}, so it was not sent: flaglens.yaml comes from the repository and cannot decide where a secret goes. ` +
          `If that server is yours, trust it outside the repository: ${TRUST_VARIABLE}=${variable}@${origin} (comma-separated pairs), or "- ${variable}@${origin}" under trust: in ${userConfigFile}`,
      };
    },
  };
}

/** `$XDG_CONFIG_HOME/flaglens/config.yaml` (default `~/.config/flaglens/config.yaml`); undefined without a home. */
export function userConfigFile(env: Record<string, string | undefined>): string | undefined {
  const base = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : env.HOME ? join(env.HOME, '.config') : undefined;
  return base ? join(base, 'flaglens', 'config.yaml') : undefined;
}

/**
 * A process's tokens as the CLI takes them: values from the environment, each sent only to an origin trusted for it
 * in FLAGLENS_TRUST or the user config file (also what the language server uses for clients that cannot send the
 * editor's stored tokens). `problems` are one line each (`file:line:column: message` in the user config); the
 * CLI stops on them, the server logs them.
 */
export function environmentTrust(env: Record<string, string | undefined>, fs: FileSystem): { vault: TokenVault; problems: string[] } {
  const trusted: TrustEntry[] = [];
  const problems: string[] = [];
  const fromEnvironment = parseTrustList(env[TRUST_VARIABLE] ?? '');
  trusted.push(...fromEnvironment.entries);
  for (const error of fromEnvironment.errors) problems.push(`${TRUST_VARIABLE}: ${error}`);
  const file = userConfigFile(env);
  if (file) {
    let text: string | undefined;
    try {
      text = fs.readFile(file, { maxBytes: MAX_INPUT_FILE_BYTES, strictUtf8: true });
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') problems.push(`${file}:1:1: the Flaglens user config ${describeReadError(error)}`);
    }
    if (text !== undefined) {
      const parsed = parseUserConfig(text, file);
      trusted.push(...parsed.trust);
      for (const error of parsed.errors) problems.push(`${error.file}:${error.line}:${error.column}: ${error.message}`);
    }
  }
  return { vault: environmentTokenVault(env, trusted, file ?? '~/.config/flaglens/config.yaml'), problems };
}

/** The editor's tokens: each was stored for one origin and goes to that origin only. */
export function storedTokenVault(tokens: readonly StoredToken[]): TokenVault {
  return {
    tokenFor(variable, url) {
      const origin = httpOrigin(url) ?? url;
      const stored = tokens.find((token) => token.variable === variable && token.origin === origin && token.value);
      if (stored) return { ok: true, value: stored.value };
      const elsewhere = tokens.filter((token) => token.variable === variable && token.origin !== origin).map((token) => token.origin);
      const note = elsewhere.length ? ` (the ${variable} stored for ${elsewhere.join(', ')} is not sent to another server)` : '';
      return { ok: false, reason: 'untrusted', message: `no ${variable} is stored for ${origin}, so nothing was sent${note}: run "Flaglens: Set Token" for ${origin} if that server is yours` };
    },
  };
}

/** No token for anyone (an untrusted workspace, tests). */
export const noTokens: TokenVault = {
  tokenFor: (variable) => ({ ok: false, reason: 'missing', message: `no token: set the environment variable ${variable}` }),
};

/** A token the configuration asks to send, and where in flaglens.yaml the server is named. */
export interface TokenRequirement {
  provider: string;
  variable: string;
  url: string;
  origin: string;
  file: string;
  line: number;
  column: number;
}

/** Every token the configuration would send, with its destination. */
export function tokenRequirements(config: FlaglensConfig): TokenRequirement[] {
  const unleash = config.state.unleash;
  if (!unleash?.token.env) return [];
  const origin = httpOrigin(unleash.url) ?? unleash.url;
  return [{ provider: 'unleash', variable: unleash.token.env, url: unleash.url, origin, file: config.file ?? 'flaglens.yaml', line: unleash.urlAt?.line ?? 1, column: unleash.urlAt?.column ?? 1 }];
}

export const TOKEN_UNTRUSTED = 'token-untrusted';

/** Errors (at the configured URL) for every token that is present but not trusted for its destination. */
export function tokenTrustErrors(config: FlaglensConfig, tokens: TokenVault): InputError[] {
  const errors: InputError[] = [];
  for (const requirement of tokenRequirements(config)) {
    const grant = tokens.tokenFor(requirement.variable, requirement.url);
    if (!grant.ok && grant.reason === 'untrusted') errors.push({ file: requirement.file, line: requirement.line, column: requirement.column, message: grant.message, code: TOKEN_UNTRUSTED });
  }
  return errors;
}
