import { z } from 'zod';
import type { RouteContract } from './routes';
import { HealthSchema, ReadinessSchema } from './system';

/** Content type of the Prometheus text exposition format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The `/_system/*` probes every service serves, under an optional path prefix. */
export function systemRoutes(
  prefix = '',
): Record<'health' | 'ready' | 'metrics', RouteContract> {
  return {
    health: {
      operationId: 'getHealth',
      method: 'get',
      path: `${prefix}/_system/health`,
      summary: 'Liveness: the process is up.',
      auth: 'none',
      status: 200,
      response: HealthSchema,
      errors: [],
    },
    ready: {
      operationId: 'getReadiness',
      method: 'get',
      path: `${prefix}/_system/ready`,
      summary: 'Readiness: every dependency answers.',
      auth: 'none',
      status: 200,
      response: ReadinessSchema,
      errors: [],
      extraResponses: [
        {
          status: 503,
          description: 'A dependency is not ready.',
          schema: ReadinessSchema,
        },
      ],
    },
    metrics: {
      operationId: 'getMetrics',
      method: 'get',
      path: `${prefix}/_system/metrics`,
      summary: 'Prometheus metrics.',
      auth: 'none',
      status: 200,
      response: z.string(),
      responseContentType: METRICS_CONTENT_TYPE,
      errors: [],
    },
  };
}
