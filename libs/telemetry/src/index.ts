// Public API: an explicit list of exports.
export { initTelemetry } from './tracing';
export type { Telemetry, TelemetryOptions } from './tracing';
export { tracingMiddleware } from './tracing-middleware';
export { instrumentAxios } from './axios-tracing';
export { annotateActiveSpan, withSpan } from './spans';
export type { InstrumentAxiosOptions } from './axios-tracing';
export { createLogger, withRequestId } from './logger';
export { createRedactor, REDACTED_KEYS, REDACTION_CENSOR } from './redact';
export type { Logger, LoggerOptions } from './logger';
export { createMetrics } from './metrics';
export type { Metrics, MetricsOptions } from './metrics';
export {
  requestIdMiddleware,
  requestIdOf,
  isValidRequestId,
  REQUEST_ID_HEADER,
} from './request-id';
export { routeOf } from './http-route';
export { serializeError } from './error-serializer';
export {
  createRequestBudget,
  createBoundedServer,
  DEFAULT_SERVER_TIMEOUTS,
} from './request-budget';
export type {
  RequestBudget,
  RequestBudgetOptions,
  BudgetRefusal,
  ServerTimeouts,
} from './request-budget';
