// The one HTTP client of Flaglens (Unleash, Prometheus): undici with connect/idle timeouts and a total
// deadline per call, bounded retries with the shared backoff, a response-size cap, origin-bound credentials
// and redacted errors, so a slow, dripping, broken or hostile server yields a clear error naming the URL and
// never a hang, a crash or a leaked token.
import type { Agent, Dispatcher } from 'undici';
import { backoffDelayMs } from './backoff.js';
import { systemClock, systemTimers, type Clock, type Timers } from './io.js';

/** A secret header sent only to one origin (scheme://host:port), never anywhere else and never logged. */
export interface OriginCredential {
  origin: string;
  header: string;
  value: string;
}

export interface HttpClientOptions {
  /** Connect, headers and body-idle timeouts; defaults are all ≤ 5 s: a hanging server must never block an editor for long. */
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** The longest pause between two chunks of a body (a drip-feeding server is ended by `totalTimeoutMs`). */
  bodyTimeoutMs?: number;
  /** The whole call — every attempt, every wait between them, headers and body — ends within this. Default 10 s. */
  totalTimeoutMs?: number;
  /** Retries after the first attempt, for idempotent requests only (GET/HEAD/PUT). Default 2. */
  maxRetries?: number;
  /** The bound of the first retry's wait; doubles each retry, with equal jitter (backoff.ts). Default 250 ms. */
  retryBaseDelayMs?: number;
  /** Upper bound for any single wait, including a server's Retry-After. Default 5000 ms. */
  maxRetryDelayMs?: number;
  /** Responses larger than this are refused. Default 8 MiB. */
  maxResponseBytes?: number;
  credentials?: OriginCredential[];
  /** Origins for which TLS certificate verification is off (explicit opt-in per origin). */
  insecureSkipTlsVerifyOrigins?: string[];
  /** Dates of Retry-After headers are compared with it. */
  clock?: Clock;
  /** Waits between retries, the deadline timer and monotonic time. */
  timers?: Timers;
  /** The random source of the jitter. */
  random?: () => number;
}

export interface HttpRequest {
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Overrides the method-based default (GET/HEAD/PUT are retried; others are not). */
  idempotent?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The request URL without credentials (safe to show). */
  url: string;
}

export type HttpErrorKind = 'network' | 'timeout' | 'status' | 'auth' | 'too-large' | 'parse' | 'shape';

/** Every failure of the client; the message names the (credential-free) URL and never contains a secret. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly kind: HttpErrorKind,
    readonly url: string,
    readonly status?: number,
    /** True when the call's total deadline ended it (never retried). */
    readonly deadline = false,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const DEFAULT_HTTP_TIMEOUT_MS = 5000;
export const DEFAULT_HTTP_TOTAL_TIMEOUT_MS = 10_000;

/** The narrow interface the providers use, so tests can stand in a local server rather than a mock. */
export interface HttpTransport {
  request(request: HttpRequest): Promise<HttpResponse>;
  /** GET (or the given request) and parse JSON; non-2xx statuses are HttpErrors. */
  json(request: HttpRequest | string): Promise<{ value: unknown; response: HttpResponse }>;
  /** Throws the HttpError for a non-2xx response (401/403: "token rejected by <origin>"). */
  throwForStatus(response: HttpResponse): void;
  /** Masks every configured secret in a message. */
  redact(text: string): string;
  close(): Promise<void>;
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  return new HttpClient(options);
}

/** undici, loaded with the first request: most runs (a scan, a check without a server) make none. */
function undici(): typeof import('undici') {
  return require('undici') as typeof import('undici');
}

export class HttpClient implements HttpTransport {
  /** Made with the first request. */
  private agents: { secure: Agent; insecure: Agent | undefined } | undefined;
  private readonly settings: Required<Omit<HttpClientOptions, 'credentials' | 'insecureSkipTlsVerifyOrigins'>>;
  private readonly credentials: OriginCredential[];
  private readonly insecureOrigins: Set<string>;

  constructor(options: HttpClientOptions = {}) {
    this.settings = {
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS,
      headersTimeoutMs: options.headersTimeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS,
      bodyTimeoutMs: options.bodyTimeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS,
      totalTimeoutMs: options.totalTimeoutMs ?? DEFAULT_HTTP_TOTAL_TIMEOUT_MS,
      maxRetries: options.maxRetries ?? 2,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 250,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 5000,
      maxResponseBytes: options.maxResponseBytes ?? 8 * 1024 * 1024,
      clock: options.clock ?? systemClock,
      timers: options.timers ?? systemTimers,
      random: options.random ?? Math.random,
    };
    this.credentials = (options.credentials ?? []).map((c) => ({ ...c, origin: normalizeOrigin(c.origin) }));
    this.insecureOrigins = new Set((options.insecureSkipTlsVerifyOrigins ?? []).map(normalizeOrigin));
  }

  private agentsFor(): { secure: Agent; insecure: Agent | undefined } {
    if (this.agents) return this.agents;
    const { Agent } = undici();
    const agentOptions = (rejectUnauthorized: boolean): Agent.Options => ({
      connect: { timeout: this.settings.connectTimeoutMs, rejectUnauthorized },
      headersTimeout: this.settings.headersTimeoutMs,
      bodyTimeout: this.settings.bodyTimeoutMs,
    });
    return (this.agents = { secure: new Agent(agentOptions(true)), insecure: this.insecureOrigins.size ? new Agent(agentOptions(false)) : undefined });
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const method = req.method ?? 'GET';
    const idempotent = req.idempotent ?? (method === 'GET' || method === 'HEAD' || method === 'PUT');
    const safeUrl = this.safeUrl(req.url);
    const { timers, totalTimeoutMs } = this.settings;
    const deadline = timers.monotonicMs() + totalTimeoutMs;
    const remaining = () => deadline - timers.monotonicMs();
    let attempt = 0;
    for (;;) {
      try {
        const response = await this.once(req, method, safeUrl, remaining());
        if ((response.status === 429 || response.status >= 500) && idempotent && attempt < this.settings.maxRetries) {
          const wait = this.retryDelay(attempt, response.headers['retry-after']);
          // A retry that cannot finish before the deadline is not started: the caller gets this answer now.
          if (wait >= remaining()) return response;
          await timers.sleep(wait);
          attempt++;
          continue;
        }
        return response;
      } catch (error) {
        const httpError = error instanceof HttpError ? error : this.wrap(error, safeUrl);
        const retryable = (httpError.kind === 'network' || httpError.kind === 'timeout') && !httpError.deadline;
        if (!retryable || !idempotent || attempt >= this.settings.maxRetries) throw httpError;
        const wait = this.retryDelay(attempt, undefined);
        if (wait >= remaining()) throw httpError;
        await timers.sleep(wait);
        attempt++;
      }
    }
  }

  async json(input: HttpRequest | string): Promise<{ value: unknown; response: HttpResponse }> {
    const req = typeof input === 'string' ? { url: input } : input;
    const response = await this.request(req);
    if (response.status === 304) return { value: undefined, response };
    this.throwForStatus(response);
    try {
      return { value: JSON.parse(response.text), response };
    } catch (error) {
      throw new HttpError(`malformed JSON from ${response.url}: ${this.redact((error as Error).message)}`, 'parse', response.url, response.status);
    }
  }

  /** Turns a non-2xx response into an HttpError (401/403 say the token was rejected, by whom). */
  throwForStatus(response: HttpResponse): void {
    if (response.status >= 200 && response.status < 300) return;
    const origin = originOf(response.url);
    if (response.status === 401 || response.status === 403) {
      throw new HttpError(`token rejected by ${origin} (HTTP ${response.status} for ${response.url})`, 'auth', response.url, response.status);
    }
    const detail = this.redact(response.text.slice(0, 200).replace(/\s+/g, ' ').trim());
    throw new HttpError(`HTTP ${response.status} from ${response.url}${detail ? `: ${detail}` : ''}`, 'status', response.url, response.status);
  }

  /** Replaces every configured secret in `text` (error messages, traces) with `***`. */
  redact(text: string): string {
    return redactSecrets(text, this.credentials.map((credential) => credential.value));
  }

  async close(): Promise<void> {
    if (!this.agents) return;
    await Promise.all([this.agents.secure.close(), this.agents.insecure?.close()]);
  }

  /** One attempt, aborted when the call's deadline (`budgetMs` from now) passes, whatever phase it is in. */
  private async once(req: HttpRequest, method: string, safeUrl: string, budgetMs: number): Promise<HttpResponse> {
    const url = new URL(req.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HttpError(`cannot request ${safeUrl}: only http and https URLs are supported`, 'network', safeUrl);
    const origin = url.origin;
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    // Credentials go only to their own origin: a redirect target or a mistyped URL never sees them.
    for (const credential of this.credentials) if (credential.origin === origin) headers[credential.header.toLowerCase()] = credential.value;
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    }
    const deadlineError = () =>
      new HttpError(`timed out: ${safeUrl} did not answer completely within ${formatSeconds(this.settings.totalTimeoutMs)} (the total deadline of a request)`, 'timeout', safeUrl, undefined, true);
    if (budgetMs <= 0) throw deadlineError();
    const controller = new AbortController();
    const cancelDeadline = this.settings.timers.schedule(budgetMs, () => controller.abort());
    try {
      const agents = this.agentsFor();
      const dispatcher: Dispatcher = this.insecureOrigins.has(origin) && agents.insecure ? agents.insecure : agents.secure;
      const result = await undici().request(url, { method: method as Dispatcher.HttpMethod, headers, body, dispatcher, signal: controller.signal });
      const responseHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(result.headers)) {
        if (value !== undefined) responseHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      }
      const declared = Number(responseHeaders['content-length']);
      if (Number.isFinite(declared) && declared > this.settings.maxResponseBytes) {
        result.body.destroy();
        throw new HttpError(`response from ${safeUrl} is too large (${declared} bytes > ${this.settings.maxResponseBytes})`, 'too-large', safeUrl, result.statusCode);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of result.body) {
        size += (chunk as Buffer).length;
        if (size > this.settings.maxResponseBytes) {
          result.body.destroy();
          throw new HttpError(`response from ${safeUrl} is too large (more than ${this.settings.maxResponseBytes} bytes)`, 'too-large', safeUrl, result.statusCode);
        }
        chunks.push(chunk as Buffer);
      }
      return { status: result.statusCode, headers: responseHeaders, text: Buffer.concat(chunks).toString('utf8'), url: safeUrl };
    } catch (error) {
      if (controller.signal.aborted) throw deadlineError();
      throw error;
    } finally {
      cancelDeadline();
    }
  }

  private wrap(error: unknown, safeUrl: string): HttpError {
    const code = (error as { code?: string }).code ?? '';
    const message = this.redact(error instanceof Error ? error.message : String(error));
    if (/TIMEOUT/.test(code)) {
      const phase = code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connecting' : code === 'UND_ERR_HEADERS_TIMEOUT' ? 'waiting for the response' : 'reading the response';
      return new HttpError(`timed out ${phase} from ${safeUrl}`, 'timeout', safeUrl);
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? (code || message);
    return new HttpError(`cannot reach ${safeUrl}: ${this.redact(String(reason))}`, 'network', safeUrl);
  }

  private retryDelay(attempt: number, retryAfter: string | undefined): number {
    const cap = this.settings.maxRetryDelayMs;
    if (retryAfter !== undefined) {
      const seconds = Number(retryAfter);
      if (Number.isFinite(seconds)) return Math.min(cap, Math.max(0, seconds * 1000));
      const date = Date.parse(retryAfter);
      if (Number.isFinite(date)) return Math.min(cap, Math.max(0, date - this.settings.clock.now().getTime()));
    }
    return backoffDelayMs(attempt, { baseMs: this.settings.retryBaseDelayMs, capMs: cap }, this.settings.random);
  }

  /** The URL as it may be shown: no user-info, and any secret value (e.g. in a query) masked. */
  private safeUrl(raw: string): string {
    try {
      const url = new URL(raw);
      url.username = '';
      url.password = '';
      return this.redact(url.toString());
    } catch {
      return this.redact(raw);
    }
  }
}

/** Reads `path` (`a.b[0].c`) from a parsed JSON value or throws a shape error naming the URL and the field. */
export function expectShape<T>(value: unknown, path: string, check: 'object' | 'array' | 'string' | 'number' | 'boolean', url: string): T {
  let current: unknown = value;
  if (path) {
    for (const part of path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '')) {
      current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[part] : undefined;
    }
  }
  const actual = current === null ? 'null' : Array.isArray(current) ? 'array' : typeof current;
  if (actual !== check) {
    throw new HttpError(`unexpected response from ${url}: field '${path || '(root)'}' should be ${check === 'array' || check === 'object' ? 'an' : 'a'} ${check}, got ${actual}`, 'shape', url);
  }
  return current as T;
}

export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function normalizeOrigin(originOrUrl: string): string {
  return originOf(originOrUrl);
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${Math.round(ms / 100) / 10} s`;
}

/** Secrets of at least this many characters are masked wherever they occur; shorter ones only as whole words. */
const SUBSTRING_REDACTION_LENGTH = 12;

/**
 * Masks every secret in `text` with `***`. A short secret is masked only where it stands as a whole token (not
 * inside a longer run of letters and digits), so a token "tok" does not turn "Unexpected token" into
 * "Unexpected ***en"; a long one is masked even inside other text.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    if (secret.length >= SUBSTRING_REDACTION_LENGTH) out = out.split(secret).join('***');
    else out = out.replace(new RegExp(`(?<![A-Za-z0-9])${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, 'g'), '***');
  }
  return out;
}
