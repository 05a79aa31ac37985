import type * as http from 'node:http';
import type { RequestBudget } from './request-budget';

/** How a request body is read before it is proxied (nginx `proxy_request_buffering on`). */
export interface BodyLimits {
  /** nginx `client_max_body_size` in bytes; 0 = no limit (APISIX's default). */
  readonly clientMaxBodySize: number;
  /** nginx `client_body_timeout`: the longest wait between two reads of the body. */
  readonly clientBodyTimeoutMs: number;
}

export type BodyOutcome =
  | { readonly kind: 'ok'; readonly body: Buffer | undefined }
  /** Over client_max_body_size: nginx answers 413. */
  | { readonly kind: 'too-large' }
  /** gateway-dev's own buffer budget is spent: 503 + Retry-After (nginx would spill to disk). */
  | { readonly kind: 'busy' }
  /** client_body_timeout passed between two reads: nginx closes the connection (logs 408). */
  | { readonly kind: 'timeout' }
  | { readonly kind: 'aborted' };

/** True when the request announces a body (Content-Length > 0 or chunked). */
export function hasBody(req: http.IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (
    req.headers['transfer-encoding'] !== undefined ||
    (length !== undefined && length !== '0')
  );
}

/**
 * Reads the whole body, as nginx does before it connects upstream, so an upstream never sees a
 * slow or unfinished upload. Bytes held count against the budget until `release` is called.
 */
export function readRequestBody(
  req: http.IncomingMessage,
  limits: BodyLimits,
  budget: RequestBudget,
  done: (outcome: BodyOutcome) => void,
): { release(): void } {
  let reserved = 0;
  const release = () => {
    budget.release(reserved);
    reserved = 0;
  };
  if (!hasBody(req)) {
    done({ kind: 'ok', body: undefined });
    return { release };
  }
  const declared =
    req.headers['content-length'] === undefined
      ? undefined
      : Number(req.headers['content-length']);
  if (
    declared !== undefined &&
    limits.clientMaxBodySize > 0 &&
    declared > limits.clientMaxBodySize
  ) {
    done({ kind: 'too-large' });
    return { release };
  }
  if (declared !== undefined) {
    if (!budget.tryReserve(declared)) {
      done({ kind: 'busy' });
      return { release };
    }
    reserved = declared;
  }

  const chunks: Buffer[] = [];
  let received = 0;
  let isSettled = false;
  let timer: NodeJS.Timeout | undefined;
  const settle = (outcome: BodyOutcome) => {
    if (isSettled) return;
    isSettled = true;
    clearTimeout(timer);
    req.off('data', onData);
    if (outcome.kind !== 'ok') {
      chunks.length = 0;
      release();
    }
    done(outcome);
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(
      () => settle({ kind: 'timeout' }),
      limits.clientBodyTimeoutMs,
    );
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (limits.clientMaxBodySize > 0 && received > limits.clientMaxBodySize) {
      settle({ kind: 'too-large' });
      return;
    }
    if (received > reserved) {
      if (!budget.tryReserve(received - reserved)) {
        settle({ kind: 'busy' });
        return;
      }
      reserved = received;
    }
    chunks.push(chunk);
    arm();
  };
  req.on('data', onData);
  req.once('end', () => settle({ kind: 'ok', body: Buffer.concat(chunks) }));
  req.once('close', () => settle({ kind: 'aborted' }));
  req.once('error', () => settle({ kind: 'aborted' }));
  arm();
  return { release };
}
