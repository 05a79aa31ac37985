import { z } from 'zod';
import {
  AppError,
  ERROR_CODES,
  ERROR_STATUS,
  ProblemSchema,
  isAppError,
  parseOrThrow,
  problemFromError,
  toProblem,
  type ErrorCode,
} from './index';

describe('ERROR_STATUS', () => {
  it.each<[ErrorCode, number]>([
    ['bad_request', 400],
    ['validation_failed', 400],
    ['unauthorized', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['request_timeout', 408],
    ['payload_too_large', 413],
    ['quota_secrets_exceeded', 403],
    ['quota_keys_exceeded', 403],
    ['quota_value_bytes_exceeded', 413],
    ['quota_total_bytes_exceeded', 403],
    ['unsupported_media_type', 415],
    ['rate_limited', 429],
    ['vault_unavailable', 503],
    ['wallet_unavailable', 503],
    ['service_unavailable', 503],
    ['internal', 500],
  ])('maps %s to HTTP %i', (code, status) => {
    expect(ERROR_STATUS[code]).toBe(status);
    expect(new AppError(code, 'x').status).toBe(status);
  });

  it('covers every code of the closed union', () => {
    expect(Object.keys(ERROR_STATUS).sort()).toEqual([...ERROR_CODES].sort());
  });
});

describe('toProblem', () => {
  it('builds an RFC 9457 body with the code, the request id and the client-facing detail for 4xx', () => {
    const problem = toProblem(
      new AppError('not_found', 'No secret named db/password.'),
      'req-1',
      '/secrets/db/password',
    );
    expect(ProblemSchema.parse(problem)).toEqual({
      type: 'urn:secret-flows:problem:not_found',
      title: 'Not found',
      status: 404,
      detail: 'No secret named db/password.',
      code: 'not_found',
      requestId: 'req-1',
      instance: '/secrets/db/password',
    });
  });

  it.each<ErrorCode>([
    'internal',
    'vault_unavailable',
    'wallet_unavailable',
    'service_unavailable',
  ])('replaces the detail of a %s error with generic text', (code) => {
    const problem = toProblem(
      new AppError(
        code,
        'permission denied for token hvs.CAESIJ at secret/data/tenants/acme',
      ),
      'req-2',
    );
    expect(problem.status).toBeGreaterThanOrEqual(500);
    expect(JSON.stringify(problem)).not.toMatch(
      /hvs\.|tenants\/acme|permission denied/,
    );
    expect(problem.detail).toMatch(/\S/);
  });

  it('lists field errors of a validation failure', () => {
    const err = new AppError('validation_failed', 'The request is not valid.', {
      errors: [{ path: 'type', message: 'Invalid option' }],
    });
    expect(toProblem(err, 'r').errors).toEqual([
      { path: 'type', message: 'Invalid option' },
    ]);
  });
});

describe('problemFromError', () => {
  it('passes AppErrors through with their Retry-After', () => {
    const result = problemFromError(
      new AppError('vault_unavailable', 'down', { retryAfterSeconds: 5 }),
      'r',
    );
    expect(result).toMatchObject({
      status: 503,
      retryAfterSeconds: 5,
      problem: { code: 'vault_unavailable' },
    });
  });

  it('gives every 503 a default Retry-After', () => {
    expect(
      problemFromError(new AppError('wallet_unavailable', 'down'), 'r')
        .retryAfterSeconds,
    ).toBe(1);
    expect(
      problemFromError(new AppError('not_found', 'gone'), 'r')
        .retryAfterSeconds,
    ).toBeUndefined();
  });

  it('turns an unknown error into a generic 500 that does not echo its message or stack', () => {
    const result = problemFromError(
      new Error('connect ECONNREFUSED with token s.abcdef'),
      'r',
    );
    expect(result.status).toBe(500);
    expect(result.problem.code).toBe('internal');
    expect(JSON.stringify(result.problem)).not.toMatch(
      /ECONNREFUSED|s\.abcdef|at /,
    );
  });

  it.each([
    [
      'an oversized body',
      { type: 'entity.too.large', status: 413 },
      413,
      'payload_too_large',
    ],
    [
      'unparseable JSON',
      { type: 'entity.parse.failed', status: 400 },
      400,
      'bad_request',
    ],
    [
      'an unsupported encoding',
      { type: 'encoding.unsupported', status: 415 },
      415,
      'unsupported_media_type',
    ],
  ])('maps a body-parser error for %s', (_case, err, status, code) => {
    expect(
      problemFromError(Object.assign(new Error('x'), err), 'r'),
    ).toMatchObject({ status, problem: { code } });
  });

  it('maps an undecodable path parameter (Express URIError, status 400) to bad_request without quoting it', () => {
    const err = Object.assign(new URIError("Failed to decode param '%c0%ae'"), {
      status: 400,
    });
    const result = problemFromError(err, 'r');
    expect(result).toMatchObject({
      status: 400,
      problem: { code: 'bad_request' },
    });
    expect(JSON.stringify(result.problem)).not.toContain('%c0');
  });

  it('keeps any other URIError internal (500)', () => {
    expect(problemFromError(new URIError('x'), 'r').status).toBe(500);
  });

  it('maps a zod error to validation_failed with field paths', () => {
    const schema = z.object({ a: z.object({ b: z.number() }) });
    const err = schema.safeParse({ a: { b: 'x' } }).error;
    const result = problemFromError(err, 'r');
    expect(result.status).toBe(400);
    expect(result.problem.errors?.[0]?.path).toBe('a.b');
  });
});

describe('isAppError and parseOrThrow', () => {
  it('recognises AppErrors, including copies from another module instance', () => {
    expect(isAppError(new AppError('conflict', 'x'))).toBe(true);
    expect(
      isAppError({ name: 'AppError', code: 'conflict', detail: 'x' }),
    ).toBe(true);
    expect(isAppError({ name: 'AppError', code: 'teapot', detail: 'x' })).toBe(
      false,
    );
    expect(isAppError(new Error('x'))).toBe(false);
  });

  it('returns parsed data or throws validation_failed', () => {
    const schema = z.object({ n: z.coerce.number() });
    expect(parseOrThrow(schema, { n: '3' })).toEqual({ n: 3 });
    expect(() => parseOrThrow(schema, { n: 'x' })).toThrow(
      expect.objectContaining({ code: 'validation_failed', status: 400 }),
    );
  });
});
