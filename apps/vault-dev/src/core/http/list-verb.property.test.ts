import * as fc from 'fast-check';
import { createListRewriter } from './list-verb';

interface Req {
  method: 'LIST' | 'GET' | 'POST';
  path: string;
  body: string;
  chunked: boolean;
  chunkSizes: number[];
}

const bodyText = fc.oneof(
  fc.string(),
  fc.constant('LIST /v1/evil HTTP/1.1\r\n\r\n'),
  fc.constant('\r\n\r\n0\r\n\r\n'),
);
const request = fc.record<Req>({
  method: fc.constantFrom('LIST', 'GET', 'POST'),
  path: fc.constantFrom('/v1/a', '/v1/a/b?x=1', '/v1/secret/metadata/'),
  body: bodyText,
  chunked: fc.boolean(),
  chunkSizes: fc.array(fc.integer({ min: 1, max: 5 }), {
    minLength: 1,
    maxLength: 4,
  }),
});

function serialise(r: Req, rewrite: boolean): string {
  const method = rewrite && r.method === 'LIST' ? 'GET' : r.method;
  const target =
    rewrite && r.method === 'LIST'
      ? `${r.path}${r.path.includes('?') ? '&' : '?'}list=true`
      : r.path;
  const body = r.method === 'POST' ? r.body : '';
  if (r.method === 'POST' && r.chunked) {
    let rest = body;
    let out = '';
    let i = 0;
    while (rest.length > 0) {
      const n = Math.min(rest.length, r.chunkSizes[i++ % r.chunkSizes.length]);
      out += `${n.toString(16)}\r\n${rest.slice(0, n)}\r\n`;
      rest = rest.slice(n);
    }
    return `${method} ${target} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${out}0\r\n\r\n`;
  }
  const length = body
    ? `Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\n`
    : '';
  return `${method} ${target} HTTP/1.1\r\nHost: x\r\n${length}\r\n${body}`;
}

describe('LIST rewriting over keep-alive streams (property)', () => {
  it('rewrites exactly the LIST request lines, whatever the bodies and packet boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(request, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 40 }), {
          minLength: 1,
          maxLength: 10,
        }),
        (reqs, cuts) => {
          const input = Buffer.from(
            reqs.map((r) => serialise(r, false)).join(''),
            'latin1',
          );
          const expected = reqs.map((r) => serialise(r, true)).join('');
          const rewriter = createListRewriter();
          let out = '';
          let pos = 0;
          let i = 0;
          while (pos < input.length) {
            const n = cuts[i++ % cuts.length];
            out += rewriter
              .push(input.subarray(pos, pos + n))
              .toString('latin1');
            pos += n;
          }
          expect(out).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
