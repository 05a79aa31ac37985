import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type {
  AxiosError,
  AxiosInstance,
  AxiosResponse,
  InternalAxiosRequestConfig,
} from 'axios';

const DEFAULT_TRACER_NAME = '@secret-flows/telemetry';

export interface InstrumentAxiosOptions {
  tracer?: Tracer;
  /** Names the CLIENT span, e.g. `vault kv read`; default `HTTP METHOD` (URLs carry secret names). */
  spanName?: (config: InternalAxiosRequestConfig) => string;
}

/**
 * Adds interceptors that wrap each request in a CLIENT span and inject `traceparent` into it.
 *
 * @example
 * const http = instrumentAxios(axios.create({ baseURL: walletUrl }));
 */
export function instrumentAxios<T extends AxiosInstance>(
  instance: T,
  options: InstrumentAxiosOptions = {},
): T {
  const spans = new WeakMap<object, Span>();

  instance.interceptors.request.use((config) => {
    const tracer = options.tracer ?? trace.getTracer(DEFAULT_TRACER_NAME);
    const method = (config.method ?? 'get').toUpperCase();
    const attributes: Record<string, string | number> = {
      'http.request.method': method,
    };
    const base = config.baseURL ?? config.url;
    try {
      const url = new URL(base ?? '');
      attributes['server.address'] = url.hostname;
      if (url.port) attributes['server.port'] = Number(url.port);
    } catch {
      // A relative URL without baseURL: no server attributes to record.
    }
    const span = tracer.startSpan(
      options.spanName?.(config) ?? `HTTP ${method}`,
      { kind: SpanKind.CLIENT, attributes },
    );
    spans.set(config, span);
    propagation.inject(trace.setSpan(context.active(), span), config.headers, {
      set: (headers, key, value) => {
        headers.set(key, value);
      },
    });
    return config;
  });

  instance.interceptors.response.use(
    (response: AxiosResponse) => {
      const span = spans.get(response.config);
      if (span) {
        span.setAttribute('http.response.status_code', response.status);
        // OTel HTTP semantic conventions: for a CLIENT span every 4xx and 5xx is an error.
        if (response.status >= 400)
          span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
      return response;
    },
    (error: AxiosError) => {
      const span = error.config ? spans.get(error.config) : undefined;
      if (span) {
        if (error.response)
          span.setAttribute('http.response.status_code', error.response.status);
        // Only the error kind: axios messages can carry URLs, and URLs carry secret names.
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error.code ?? 'request failed',
        });
        span.end();
      }
      return Promise.reject(error);
    },
  );
  return instance;
}
