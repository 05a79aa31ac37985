import { errorPage } from './exit-responses';

describe('APISIX error pages', () => {
  it('matches the size APISIX sends for 403 and 400 (Content-Length 225 and 229)', () => {
    expect(Buffer.byteLength(errorPage(403))).toBe(225);
    expect(Buffer.byteLength(errorPage(400))).toBe(229);
  });

  it('names the status as nginx does', () => {
    expect(errorPage(504)).toContain(
      '<center><h1>504 Gateway Time-out</h1></center>',
    );
    expect(errorPage(429)).toContain('<title>429 Too Many Requests</title>');
  });

  it('has no page for a status nginx has none for', () => {
    expect(errorPage(418)).toBe('');
  });
});
