// A minimal Prometheus HTTP API client (instant queries) over the HTTP client the front-end owns and passes
// in: every response is checked for the fields we read, so an odd server gives an error naming the URL and
// the field.
import { expectShape, HttpError, type HttpTransport } from '../http.js';

/** One sample of an instant query: its labels and value (NaN and ±Inf are kept as numbers). */
export interface PrometheusSample {
  labels: Record<string, string>;
  value: number;
}

/** What health evaluation needs from a metrics source; Prometheus is the one implementation. */
export interface MetricsSource {
  /** Runs an instant query; throws HttpError when the server is unreachable or answers oddly. */
  query(promql: string): Promise<PrometheusSample[]>;
}

/** A source for the Prometheus at `url`; the HTTP client stays the caller's (it is never closed here). */
export function createPrometheusSource(url: string, http: HttpTransport): MetricsSource {
  return new PrometheusSource(url, http);
}

export class PrometheusSource implements MetricsSource {
  constructor(
    private readonly baseUrl: string,
    private readonly http: HttpTransport,
  ) {}

  async query(promql: string): Promise<PrometheusSample[]> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(promql)}`;
    let value: unknown;
    try {
      value = (await this.http.json(url)).value;
    } catch (error) {
      // Prometheus answers a bad query with 400 and a JSON error: show its message, not just the status.
      if (error instanceof HttpError && error.status === 400) throw new HttpError(`Prometheus rejected the query ${promql}: ${error.message}`, 'status', error.url, 400);
      throw error;
    }
    const status = expectShape<string>(value, 'status', 'string', url);
    if (status !== 'success') throw new HttpError(`Prometheus query failed at ${url}: ${(value as { error?: string }).error ?? status}`, 'status', url);
    const resultType = expectShape<string>(value, 'data.resultType', 'string', url);
    if (resultType === 'scalar') {
      const pair = expectShape<unknown[]>(value, 'data.result', 'array', url);
      return [{ labels: {}, value: Number(pair[1]) }];
    }
    if (resultType !== 'vector') throw new HttpError(`unexpected response from ${url}: field 'data.resultType' is ${resultType}, expected vector or scalar`, 'shape', url);
    const result = expectShape<unknown[]>(value, 'data.result', 'array', url);
    return result.map((_, index) => {
      const labels = expectShape<Record<string, string>>(value, `data.result[${index}].metric`, 'object', url);
      const sample = expectShape<unknown[]>(value, `data.result[${index}].value`, 'array', url);
      const raw = expectShape<string>(value, `data.result[${index}].value[1]`, 'string', url);
      void sample;
      return { labels, value: Number(raw) };
    });
  }
}
