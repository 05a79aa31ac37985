/**
 * What gateway-dev holds for requests in flight, bounded. nginx bounds the same things
 * differently (worker_connections; request bodies buffered to client_body_temp files beyond
 * client_body_buffer_size); gateway-dev buffers bodies in memory, so it caps their total and
 * sheds load beyond it with 503 + Retry-After instead of growing its heap.
 */
export interface RequestBudget {
  /** Takes a request slot; false when maxConcurrentRequests are already in flight. */
  tryEnter(): boolean;
  leave(): void;
  /** Reserves body bytes; false when the total buffered would exceed maxBufferedBodyBytes. */
  tryReserve(bytes: number): boolean;
  release(bytes: number): void;
  readonly inFlight: () => number;
  readonly bufferedBytes: () => number;
}

export interface RequestBudgetLimits {
  readonly maxConcurrentRequests: number;
  readonly maxBufferedBodyBytes: number;
}

/** Defaults sized for gateway-dev's heap (Node's default old space is far above 64 MiB). */
export const DEFAULT_REQUEST_BUDGET: RequestBudgetLimits = {
  maxConcurrentRequests: 1024,
  maxBufferedBodyBytes: 64 * 1024 * 1024,
};

export function createRequestBudget(
  limits: RequestBudgetLimits = DEFAULT_REQUEST_BUDGET,
): RequestBudget {
  let inFlight = 0;
  let buffered = 0;
  return {
    tryEnter() {
      if (inFlight >= limits.maxConcurrentRequests) return false;
      inFlight += 1;
      return true;
    },
    leave() {
      inFlight = Math.max(0, inFlight - 1);
    },
    tryReserve(bytes) {
      if (buffered + bytes > limits.maxBufferedBodyBytes) return false;
      buffered += bytes;
      return true;
    },
    release(bytes) {
      buffered = Math.max(0, buffered - bytes);
    },
    inFlight: () => inFlight,
    bufferedBytes: () => buffered,
  };
}
