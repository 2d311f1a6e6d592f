// The Unleash Admin API calls Flaglens needs (7.x paths), with every response checked for the fields we
// read: an unexpected shape is an HttpError naming the URL and the field, never a crash further down.
import { expectShape, type HttpResponse, type HttpTransport } from '../../http.js';

export interface UnleashStrategy {
  id: string;
  name: string;
  disabled?: boolean;
  constraints: unknown[];
  segments: unknown[];
  parameters: Record<string, unknown>;
}

export interface UnleashEnvironment {
  name: string;
  enabled: boolean;
  lastSeenAt: string | null;
  strategies: UnleashStrategy[];
}

export interface UnleashFeature {
  name: string;
  type?: string;
  description?: string | null;
  project?: string;
  stale?: boolean;
  createdAt?: string;
  lastSeenAt?: string | null;
  archived?: boolean;
  archivedAt?: string | null;
  lifecycle?: { stage?: string; enteredStageAt?: string };
  environments: UnleashEnvironment[];
}

export interface UnleashEvent {
  type: string;
  createdBy: string;
  createdAt: string;
  environment: string | null;
  data: unknown;
  preData: unknown;
}

export interface Conditional<T> {
  /** Undefined when the server answered 304 Not Modified. */
  value: T | undefined;
  etag?: string;
}

export class UnleashApi {
  constructor(
    private readonly http: HttpTransport,
    private readonly baseUrl: string,
    private readonly project: string,
  ) {}

  /** Names of the project's live (non-archived) flags. */
  async listFeatureNames(): Promise<string[]> {
    const url = this.projectUrl('/features');
    const { value } = await this.http.json(url);
    const features = expectShape<unknown[]>(value, 'features', 'array', url);
    return features.map((_, index) => expectShape<string>(value, `features[${index}].name`, 'string', url));
  }

  /** One flag with its environments and strategies; `etag` makes it conditional (304 → value undefined). */
  async getFeature(name: string, etag?: string): Promise<Conditional<UnleashFeature>> {
    const url = this.projectUrl(`/features/${encodeURIComponent(name)}`);
    const { value, response } = await this.http.json({ url, headers: etag ? { 'if-none-match': etag } : {} });
    if (response.status === 304) return { value: undefined, etag };
    return { value: parseFeature(value, url), etag: response.headers.etag };
  }

  /** Archived flags of the project (Unleash keeps them; FL002 needs them). */
  async listArchived(): Promise<Array<{ name: string; archivedAt: string | null }>> {
    const url = `${this.baseUrl}/api/admin/search/features?project=${encodeURIComponent(`IS:${this.project}`)}&archived=IS:true&limit=1000`;
    const { value } = await this.http.json(url);
    const features = expectShape<unknown[]>(value, 'features', 'array', url);
    return features.map((_, index) => ({
      name: expectShape<string>(value, `features[${index}].name`, 'string', url),
      archivedAt: ((features[index] as Record<string, unknown>).archivedAt as string | null) ?? null,
    }));
  }

  /**
   * The id of the project's newest event: a cheap "did anything change?" check before reading every flag
   * (every change through Unleash — strategy, toggle, archive — is an event). Undefined when there is none.
   */
  async latestEventId(): Promise<number | undefined> {
    const url = `${this.baseUrl}/api/admin/search/events?project=${encodeURIComponent(`IS:${this.project}`)}&limit=1`;
    const { value } = await this.http.json(url);
    const events = expectShape<unknown[]>(value, 'events', 'array', url);
    return events.length ? expectShape<number>(value, 'events[0].id', 'number', url) : undefined;
  }

  /** The flag's audit log, newest first. */
  async events(name: string): Promise<UnleashEvent[]> {
    const url = `${this.baseUrl}/api/admin/events/${encodeURIComponent(name)}`;
    const { value } = await this.http.json(url);
    const events = expectShape<unknown[]>(value, 'events', 'array', url);
    return events.map((event, index) => {
      const e = event as Record<string, unknown>;
      expectShape<string>(value, `events[${index}].type`, 'string', url);
      return {
        type: e.type as string,
        createdBy: typeof e.createdBy === 'string' ? e.createdBy : 'unknown',
        createdAt: typeof e.createdAt === 'string' ? e.createdAt : '',
        environment: typeof e.environment === 'string' ? e.environment : null,
        data: e.data,
        preData: e.preData,
      };
    });
  }

  /** JSON-patches the strategy's rollout percentage (Unleash stores it as a string). */
  async setRollout(name: string, environment: string, strategyId: string, percentage: number): Promise<void> {
    const url = this.projectUrl(`/features/${encodeURIComponent(name)}/environments/${encodeURIComponent(environment)}/strategies/${encodeURIComponent(strategyId)}`);
    const response = await this.http.request({ method: 'PATCH', url, json: [{ op: 'replace', path: '/parameters/rollout', value: String(percentage) }] });
    this.assertOk(response);
  }

  /** Switches the flag on in the environment (a bump from "off" serves the new percentage). */
  async enableEnvironment(name: string, environment: string): Promise<void> {
    const url = this.projectUrl(`/features/${encodeURIComponent(name)}/environments/${encodeURIComponent(environment)}/on`);
    this.assertOk(await this.http.request({ method: 'POST', url }));
  }

  async setDescription(name: string, description: string): Promise<void> {
    const url = this.projectUrl(`/features/${encodeURIComponent(name)}`);
    const response = await this.http.request({ method: 'PATCH', url, json: [{ op: 'replace', path: '/description', value: description }] });
    this.assertOk(response);
  }

  private assertOk(response: HttpResponse): void {
    this.http.throwForStatus(response);
  }

  private projectUrl(path: string): string {
    return `${this.baseUrl}/api/admin/projects/${encodeURIComponent(this.project)}${path}`;
  }
}

function parseFeature(value: unknown, url: string): UnleashFeature {
  const name = expectShape<string>(value, 'name', 'string', url);
  const environments = expectShape<unknown[]>(value, 'environments', 'array', url);
  const raw = value as Record<string, unknown>;
  return {
    name,
    type: typeof raw.type === 'string' ? raw.type : undefined,
    description: typeof raw.description === 'string' ? raw.description : null,
    project: typeof raw.project === 'string' ? raw.project : undefined,
    stale: raw.stale === true,
    createdAt: typeof raw.createdAt === 'string' ? raw.createdAt : undefined,
    lastSeenAt: typeof raw.lastSeenAt === 'string' ? raw.lastSeenAt : null,
    archived: raw.archived === true,
    lifecycle: raw.lifecycle && typeof raw.lifecycle === 'object' ? (raw.lifecycle as UnleashFeature['lifecycle']) : undefined,
    environments: environments.map((_, e) => {
      const env = environments[e] as Record<string, unknown>;
      const strategies = expectShape<unknown[]>(value, `environments[${e}].strategies`, 'array', url);
      return {
        name: expectShape<string>(value, `environments[${e}].name`, 'string', url),
        enabled: expectShape<boolean>(value, `environments[${e}].enabled`, 'boolean', url),
        lastSeenAt: typeof env.lastSeenAt === 'string' ? env.lastSeenAt : null,
        strategies: strategies.map((_, s) => {
          const base = `environments[${e}].strategies[${s}]`;
          const strategy = strategies[s] as Record<string, unknown>;
          return {
            id: expectShape<string>(value, `${base}.id`, 'string', url),
            name: expectShape<string>(value, `${base}.name`, 'string', url),
            disabled: strategy.disabled === true,
            constraints: Array.isArray(strategy.constraints) ? strategy.constraints : [],
            segments: Array.isArray(strategy.segments) ? strategy.segments : [],
            parameters: strategy.parameters && typeof strategy.parameters === 'object' ? (strategy.parameters as Record<string, unknown>) : {},
          };
        }),
      };
    }),
  };
}
