// A stand-in for Prometheus' instant-query API, as far as the health checks use it: every query is recorded
// and answered with one sample whose value `answer` picks from the PromQL. Range queries fail the test.
import assert from 'node:assert/strict';
import type { HttpTransport } from '../../core/src/http.js';

export function instantPrometheus(answer: (promql: string) => number): HttpTransport & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    async json(request) {
      const url = typeof request === 'string' ? request : request.url;
      const promql = new URL(url).searchParams.get('query') ?? '';
      queries.push(promql);
      const value = answer(promql);
      return { value: { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [0, String(value)] }] } }, response: { status: 200, headers: {}, text: '', url } };
    },
    request: async () => assert.fail('only instant queries'),
    throwForStatus: () => undefined,
    redact: (text: string) => text,
    close: async () => undefined,
  };
}
