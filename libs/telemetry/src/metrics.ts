import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  Counter,
  Histogram,
  Registry,
  collectDefaultMetrics,
} from 'prom-client';
import { routeOf } from './http-route';

const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export interface MetricsOptions {
  serviceName: string;
  /** Also collect the process metrics (RSS, CPU, event loop lag, GC); default true. */
  defaultMetrics?: boolean;
}

/**
 * Creates a service's Prometheus registry (not the prom-client global) with the shared metrics.
 *
 * @example
 * const metrics = createMetrics({ serviceName: 'wallet' });
 * app.use(metrics.httpMetricsMiddleware());
 * app.get('/_system/metrics', metrics.metricsHandler);
 */
export function createMetrics(options: MetricsOptions) {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.serviceName });
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new Counter({ name, help, labelNames, registers });

  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests served, by route template and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS_SECONDS,
    registers,
  });
  const walletRequestDuration = new Histogram({
    name: 'wallet_request_duration_seconds',
    help: 'Duration of calls from the agent to the wallet, by operation and status.',
    labelNames: ['operation', 'status'],
    buckets: LATENCY_BUCKETS_SECONDS,
    registers,
  });
  const counters = {
    vaultLogins: counter(
      'vault_logins_total',
      'Vault logins, by auth method and result.',
      ['method', 'result'],
    ),
    jwtExchanges: counter(
      'vault_jwt_exchanges_total',
      'Tenant JWTs exchanged for Vault tokens, by result.',
      ['result'],
    ),
    jwtExchangeCacheHits: counter(
      'vault_jwt_exchange_cache_hits_total',
      'Tenant requests served with a cached exchanged token.',
    ),
    jwksFetches: counter(
      'jwks_fetches_total',
      'JWKS documents fetched, by result.',
      ['result'],
    ),
    authFailures: counter(
      'auth_failures_total',
      'Refused credentials, by kind and reason.',
      ['kind', 'reason'],
    ),
    auditEvents: counter(
      'audit_events_total',
      'Audit events, by operation and result.',
      ['operation', 'result'],
    ),
    requestsShed: counter(
      'http_requests_shed_total',
      'Requests refused by the request budget, by reason (overloaded, tenant_share, body_timeout).',
      ['reason'],
    ),
  };

  function httpMetricsMiddleware(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      const stop = httpRequestDuration.startTimer();
      res.once('finish', () =>
        stop({
          method: req.method,
          route: routeOf(req),
          status: String(res.statusCode),
        }),
      );
      next();
    };
  }

  /** Express handler serving the registry in the Prometheus text format. */
  const metricsHandler: RequestHandler = (_req, res, next) => {
    registry
      .metrics()
      .then((text) => {
        res.setHeader('Content-Type', registry.contentType);
        res.send(text);
      })
      .catch(next);
  };

  return {
    registry,
    httpRequestDuration,
    walletRequestDuration,
    counters,
    httpMetricsMiddleware,
    metricsHandler,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
