/**
 * Node's HTTP parser (llhttp) rejects the `LIST` method that third-party Vault clients
 * send. Every connection therefore passes through a small HTTP/1.1
 * framing tracker that finds each request head, rewrites `LIST /p?q` to
 * `GET /p?q&list=true`, and follows Content-Length / chunked bodies so it knows where
 * the next request of a keep-alive connection starts.
 */
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

const MAX_HEAD_BYTES = 64 * 1024;
const CRLF2 = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

type State =
  | { kind: 'head' }
  | { kind: 'body'; remaining: number }
  | { kind: 'chunk-size' }
  | { kind: 'chunk-data'; remaining: number }
  | { kind: 'trailers' }
  /** Framing could not be followed (bad or oversized head): pass the rest through untouched. */
  | { kind: 'raw' };

/** Rewrites a request head whose method is LIST; other heads are returned unchanged. */
export function rewriteListHead(head: Buffer): Buffer {
  if (head.length < 5 || head.toString('latin1', 0, 5) !== 'LIST ') return head;
  const text = head.toString('latin1');
  const lineEnd = text.indexOf('\r\n');
  const [, target, version] = text.slice(0, lineEnd).split(' ');
  const hashless = target ?? '/';
  const rewritten = `GET ${hashless}${hashless.includes('?') ? '&' : '?'}list=true ${version ?? 'HTTP/1.1'}`;
  return Buffer.from(rewritten + text.slice(lineEnd), 'latin1');
}

function bodyStateFor(head: string): State {
  const headers = head.split('\r\n').slice(1);
  let length = 0;
  let chunked = false;
  for (const line of headers) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line
      .slice(colon + 1)
      .trim()
      .toLowerCase();
    if (
      name === 'transfer-encoding' &&
      value
        .split(',')
        .map((v) => v.trim())
        .includes('chunked')
    )
      chunked = true;
    if (name === 'content-length') {
      const n = Number(value);
      if (!Number.isSafeInteger(n) || n < 0) return { kind: 'raw' };
      length = n;
    }
  }
  if (chunked) return { kind: 'chunk-size' };
  return length > 0 ? { kind: 'body', remaining: length } : { kind: 'head' };
}

/** Incremental request-framing tracker; `push` returns the bytes to hand to the HTTP parser. */
export function createListRewriter(): { push(chunk: Buffer): Buffer } {
  let state: State = { kind: 'head' };
  let pending: Buffer = Buffer.alloc(0);

  const step = (out: Buffer[]): boolean => {
    switch (state.kind) {
      case 'raw':
        out.push(pending);
        pending = Buffer.alloc(0);
        return false;
      case 'head': {
        // Tolerate blank lines between requests, as llhttp does.
        while (pending.length >= 2 && pending[0] === 13 && pending[1] === 10) {
          out.push(pending.subarray(0, 2));
          pending = pending.subarray(2);
        }
        const end = pending.indexOf(CRLF2);
        if (end === -1) {
          if (pending.length > MAX_HEAD_BYTES) state = { kind: 'raw' };
          return state.kind === 'raw';
        }
        const head = pending.subarray(0, end + 4);
        pending = pending.subarray(end + 4);
        out.push(rewriteListHead(head));
        state = bodyStateFor(head.toString('latin1'));
        return true;
      }
      case 'body': {
        if (pending.length === 0) return false;
        const n = Math.min(state.remaining, pending.length);
        out.push(pending.subarray(0, n));
        pending = pending.subarray(n);
        state =
          state.remaining - n === 0
            ? { kind: 'head' }
            : { kind: 'body', remaining: state.remaining - n };
        return true;
      }
      case 'chunk-size': {
        const end = pending.indexOf(CRLF);
        if (end === -1) return false;
        const size = Number.parseInt(
          pending.toString('latin1', 0, end).split(';')[0].trim(),
          16,
        );
        out.push(pending.subarray(0, end + 2));
        pending = pending.subarray(end + 2);
        if (!Number.isFinite(size) || size < 0) state = { kind: 'raw' };
        else
          state =
            size === 0
              ? { kind: 'trailers' }
              : { kind: 'chunk-data', remaining: size + 2 };
        return true;
      }
      case 'chunk-data': {
        if (pending.length === 0) return false;
        const n = Math.min(state.remaining, pending.length);
        out.push(pending.subarray(0, n));
        pending = pending.subarray(n);
        state =
          state.remaining - n === 0
            ? { kind: 'chunk-size' }
            : { kind: 'chunk-data', remaining: state.remaining - n };
        return true;
      }
      case 'trailers': {
        const end = pending.indexOf(CRLF);
        if (end === -1) return false;
        out.push(pending.subarray(0, end + 2));
        pending = pending.subarray(end + 2);
        if (end === 0) state = { kind: 'head' };
        return true;
      }
    }
  };

  return {
    push(chunk) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const out: Buffer[] = [];
      while (pending.length > 0 && step(out));
      return out.length === 1 ? out[0] : Buffer.concat(out);
    },
  };
}

/**
 * A Duplex around a client socket whose readable side carries the rewritten bytes;
 * Node's HTTP server accepts any Duplex through its `connection` event.
 */
export class ListRewritingSocket extends Duplex {
  private readonly rewriter = createListRewriter();

  constructor(readonly socket: Socket) {
    super({ allowHalfOpen: false });
    socket.on('data', (chunk: Buffer) => {
      const out = this.rewriter.push(chunk);
      if (out.length > 0 && !this.push(out)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
    socket.on('timeout', () => this.emit('timeout'));
    socket.on('drain', () => this.emit('drain'));
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }
  get remoteFamily(): string | undefined {
    return this.socket.remoteFamily;
  }
  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }
  get localPort(): number | undefined {
    return this.socket.localPort;
  }
  get encrypted(): boolean {
    return false;
  }
  address(): ReturnType<Socket['address']> {
    return this.socket.address();
  }
  setTimeout(ms: number, cb?: () => void): this {
    this.socket.setTimeout(ms);
    if (cb) this.once('timeout', cb);
    return this;
  }
  setNoDelay(noDelay?: boolean): this {
    this.socket.setNoDelay(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, delay?: number): this {
    this.socket.setKeepAlive(enable, delay);
    return this;
  }
  ref(): this {
    this.socket.ref();
    return this;
  }
  unref(): this {
    this.socket.unref();
    return this;
  }

  override _read(): void {
    this.socket.resume();
  }
  override _write(
    chunk: Buffer,
    encoding: BufferEncoding,
    cb: (err?: Error | null) => void,
  ): void {
    this.socket.write(chunk, encoding, cb);
  }
  override _writev(
    chunks: { chunk: Buffer | string; encoding: BufferEncoding }[],
    cb: (err?: Error | null) => void,
  ): void {
    // One socket write per batch: Node's HTTP layer writes head and body separately,
    // and a syscall per piece dominated the profile.
    const buffers = chunks.map(({ chunk, encoding }) =>
      typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk,
    );
    this.socket.write(
      buffers.length === 1 ? buffers[0] : Buffer.concat(buffers),
      cb,
    );
  }
  override _final(cb: (err?: Error | null) => void): void {
    this.socket.end(cb);
  }
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.socket.destroy(err ?? undefined);
    cb(err);
  }
}
