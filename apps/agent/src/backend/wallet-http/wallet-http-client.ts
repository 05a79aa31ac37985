import * as http from 'node:http';
import * as https from 'node:https';
import axios, {
  type AxiosInstance,
  type AxiosResponse,
  type Method,
} from 'axios';
import {
  AppError,
  REQUEST_ID_HEADER,
  SERVICE_TOKEN_HEADER,
} from '@secret-flows/contracts';
import type { z } from 'zod';
import {
  fromWalletResponse,
  isRetryableNetworkError,
  walletUnavailable,
} from './wallet-errors';

/** Extra claims of a service token; set only on tenant administration calls. */
export interface ServiceTokenClaims {
  scope?: string;
  requestId?: string;
}

/**
 * Returns the agent's short-lived service JWT (audience `wallet`). Tenant calls may share a cached
 * token (an ES256 signature per request would cost more CPU than the rest of the hop).
 */
export type ServiceTokenSource = (
  claims: ServiceTokenClaims,
) => string | Promise<string>;

export interface WalletHttpClientOptions {
  baseUrl: string;
  timeoutMs: number;
  serviceToken: ServiceTokenSource;
  /** Hooks tracing into the axios instance (telemetry's instrumentAxios) so traceparent is propagated. */
  instrument?: (instance: AxiosInstance) => void;
  /** Records each call's duration (telemetry's wallet_request_duration_seconds); `status` is the HTTP status or `error`. */
  observe?: (operation: string, status: string, seconds: number) => void;
  now?: () => number;
}

export interface WalletCall<S extends z.ZodType | undefined> {
  method: Method;
  path: string;
  requestId: string;
  bearerToken?: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Extra claims for the service token (the admin scope on /v1/tenants). */
  serviceClaims?: Pick<ServiceTokenClaims, 'scope'>;
  /** Schema of a successful answer; undefined for 204 answers. */
  schema: S;
  /** Cancels the call when the client that asked for it went away. */
  signal?: AbortSignal;
  /** Metric label naming the operation (`keys.create`); never a path, which would carry secret names. */
  operation: string;
}

export type WalletResult<S> = S extends z.ZodType ? z.output<S> : void;

// A dropped connection (ECONNRESET, EPIPE) says nothing about whether the wallet already acted on
// the request: PUT and DELETE are idempotent by HTTP semantics (RFC 9110 §9.2.2) but not by their
// answers here — a replayed PUT with cas comes back as a spurious 409, one without cas adds a second
// version, a replayed DELETE a spurious 404. So only reads are repeated after a drop; any call is
// repeated when its connection was refused (no byte left). Node's agent closes an idle keep-alive
// socket before the wallet's Keep-Alive timeout hint, which is what made reused-socket drops common.
const SAFE_AFTER_DROP = new Set(['GET', 'HEAD']);

/** Creates the agent's HTTP client of the wallet's internal /v1 API. */
export function createWalletHttpClient(options: WalletHttpClientOptions) {
  const now = options.now ?? Date.now;
  const instance = axios.create({
    baseURL: options.baseUrl.replace(/\/+$/, ''),
    timeout: options.timeoutMs,
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: 128 }),
    httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 128 }),
    // Every status reaches our own mapping; axios must not throw its own error shape at routes.
    validateStatus: () => true,
    maxRedirects: 0,
    transitional: { clarifyTimeoutError: true },
  });
  options.instrument?.(instance);

  async function send(
    call: WalletCall<z.ZodType | undefined>,
  ): Promise<AxiosResponse> {
    const headers: Record<string, string> = {
      [SERVICE_TOKEN_HEADER]: await options.serviceToken(
        call.serviceClaims
          ? { ...call.serviceClaims, requestId: call.requestId }
          : {},
      ),
      [REQUEST_ID_HEADER]: call.requestId,
      accept: 'application/json',
    };
    if (call.bearerToken !== undefined)
      headers.authorization = `Bearer ${call.bearerToken}`;
    return instance.request({
      method: call.method,
      url: call.path,
      params: call.query,
      data: call.body,
      headers,
      signal: call.signal,
    });
  }

  async function sendWithRetry(
    call: WalletCall<z.ZodType | undefined>,
  ): Promise<AxiosResponse> {
    try {
      return await send(call);
    } catch (err) {
      if (!axios.isAxiosError(err)) throw err;
      if (
        isRetryableNetworkError(err) &&
        (err.code === 'ECONNREFUSED' ||
          SAFE_AFTER_DROP.has(call.method.toUpperCase()))
      ) {
        try {
          return await send(call);
        } catch (second) {
          throw walletUnavailable(
            axios.isAxiosError(second) ? describe(second) : second,
          );
        }
      }
      throw walletUnavailable(describe(err));
    }
  }

  async function timed(
    request: WalletCall<z.ZodType | undefined>,
  ): Promise<AxiosResponse> {
    const startedAt = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - startedAt) / 1e9;
    try {
      const response = await sendWithRetry(request);
      options.observe?.(request.operation, String(response.status), seconds());
      return response;
    } catch (err) {
      options.observe?.(request.operation, 'error', seconds());
      throw err;
    }
  }

  async function call<S extends z.ZodType | undefined>(
    request: WalletCall<S>,
  ): Promise<WalletResult<S>> {
    const response = await timed(request);
    if (response.status >= 400) throw fromWalletResponse(response, now());
    if (request.schema === undefined) return undefined as WalletResult<S>;
    const parsed = request.schema.safeParse(response.data);
    if (!parsed.success) {
      throw new AppError('internal', 'Unexpected answer from the wallet.', {
        cause: new Error(
          `wallet ${request.method} ${request.path} answered a body that does not match the contract`,
        ),
      });
    }
    return parsed.data as WalletResult<S>;
  }

  return {
    call,
    /** Closes idle keep-alive sockets so the process can exit. */
    close(): void {
      (instance.defaults.httpAgent as http.Agent).destroy();
      (instance.defaults.httpsAgent as https.Agent).destroy();
    },
  };
}

export type WalletHttpClient = ReturnType<typeof createWalletHttpClient>;

// The axios error carries the request config with our headers (tokens); keep only what an
// operator needs so a logged cause never contains a credential.
function describe(err: { code?: string; message: string }): Error {
  return new Error(`wallet request failed: ${err.code ?? 'network error'}`);
}
