import { createListRewriter, rewriteListHead } from './list-verb';

const feed = (chunks: string[]): string => {
  const rewriter = createListRewriter();
  return chunks
    .map((c) => rewriter.push(Buffer.from(c, 'latin1')).toString('latin1'))
    .join('');
};

describe('LIST request-line rewriting', () => {
  it('turns LIST into GET with list=true, keeping an existing query', () => {
    expect(
      rewriteListHead(
        Buffer.from('LIST /v1/a HTTP/1.1\r\nHost: x\r\n\r\n'),
      ).toString(),
    ).toBe('GET /v1/a?list=true HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(
      rewriteListHead(
        Buffer.from('LIST /v1/a?after=b HTTP/1.1\r\n\r\n'),
      ).toString(),
    ).toBe('GET /v1/a?after=b&list=true HTTP/1.1\r\n\r\n');
  });

  it('leaves other methods byte-for-byte unchanged', () => {
    const head = Buffer.from('GET /v1/LIST HTTP/1.1\r\n\r\n');
    expect(rewriteListHead(head)).toBe(head);
  });

  it('does not rewrite a LIST that appears inside a Content-Length body', () => {
    const body = 'LIST /v1/x HTTP/1.1\r\n\r\n';
    const out = feed([
      `POST /v1/a HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      'LIST /v1/b HTTP/1.1\r\n\r\n',
    ]);
    expect(out).toBe(
      `POST /v1/a HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}GET /v1/b?list=true HTTP/1.1\r\n\r\n`,
    );
  });

  it('follows chunked bodies split across arbitrary packet boundaries', () => {
    const stream =
      'POST /v1/a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nLIST\r\n0\r\n\r\nLIST /v1/b HTTP/1.1\r\n\r\n';
    const expected = stream.replace(
      'LIST /v1/b HTTP/1.1',
      'GET /v1/b?list=true HTTP/1.1',
    );
    for (let size = 1; size <= 7; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < stream.length; i += size)
        chunks.push(stream.slice(i, i + size));
      expect(feed(chunks)).toBe(expected);
    }
  });

  it('passes bytes through untouched once framing cannot be followed', () => {
    const out = feed([
      'POST /v1/a HTTP/1.1\r\nContent-Length: nope\r\n\r\nLIST /v1/b HTTP/1.1\r\n\r\n',
    ]);
    expect(out).toContain('LIST /v1/b');
  });
});
