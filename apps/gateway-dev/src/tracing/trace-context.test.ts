import {
  createIdSource,
  formatTraceParent,
  parseTraceParent,
} from './trace-context';

describe('W3C traceparent', () => {
  it('parses a valid header and formats it back', () => {
    const header = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const parsed = parseTraceParent(header);
    expect(parsed).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      isSampled: true,
    });
    expect(parsed && formatTraceParent(parsed)).toBe(header);
  });

  it.each([
    ['upper case', '00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01'],
    [
      'all-zero trace id',
      '00-00000000000000000000000000000000-b7ad6b7169203331-01',
    ],
    [
      'all-zero span id',
      '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
    ],
    ['version ff', 'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
    [
      'extra field on version 00',
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-x',
    ],
    ['short span id', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333-01'],
  ])('rejects a header with %s', (_case, header) => {
    expect(parseTraceParent(header)).toBeUndefined();
  });

  it('accepts extra fields from a later version', () => {
    expect(
      parseTraceParent(
        '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-later',
      )?.isSampled,
    ).toBe(false);
  });

  it('makes distinct ids of the right length across pool refills', () => {
    const ids = createIdSource();
    const traceIds = new Set(Array.from({ length: 600 }, () => ids.traceId()));
    expect(traceIds.size).toBe(600);
    for (const id of traceIds) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(ids.spanId()).toMatch(/^[0-9a-f]{16}$/);
  });
});
