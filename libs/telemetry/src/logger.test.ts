import { Writable } from 'node:stream';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import axios, { AxiosHeaders } from 'axios';
import express from 'express';
import {
  REDACTED_KEYS,
  createLogger,
  initTelemetry,
  withRequestId,
} from './index';
import { listen } from '../test/servers';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('redacts every credential key at the top level, one level down and under headers, bodies and data', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ name: 'test', destination });
    const planted: string[] = [];
    const secretFor = (where: string, key: string) => {
      const value = `S3CR3T-${where}-${key}-${planted.length}`;
      planted.push(value);
      return value;
    };
    for (const key of REDACTED_KEYS) {
      logger.info(
        {
          [key]: secretFor('top', key),
          ctx: { [key]: secretFor('nested', key) },
          req: {
            method: 'GET',
            headers: { [key]: secretFor('req-headers', key) },
            body: { [key]: secretFor('req-body', key) },
          },
          res: {
            statusCode: 200,
            headers: { [key]: secretFor('res-headers', key) },
          },
          body: { [key]: secretFor('body', key) },
          data: { [key]: secretFor('data', key) },
          headers: { [key]: secretFor('headers', key) },
        },
        'request handled',
      );
    }
    const output = lines.join('');
    expect(lines).toHaveLength(REDACTED_KEYS.length);
    for (const value of planted) expect(output).not.toContain(value);
    expect(output.match(/\[REDACTED\]/g)?.length).toBe(planted.length);
    // What is not a credential stays readable.
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      name: 'test',
      level: 'info',
      msg: 'request handled',
      req: { method: 'GET' },
      res: { statusCode: 200 },
    });
  });

  it('keeps ordinary fields such as the tenant and the secret name', () => {
    const { lines, destination } = capture();
    createLogger({ name: 'test', destination }).info(
      { tenantId: 'acme', secretName: 'db/password', operation: 'get' },
      'audit',
    );
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      tenantId: 'acme',
      secretName: 'db/password',
      operation: 'get',
    });
  });

  it('redacts keys in any letter case, at any depth, inside arrays and in class instances with toJSON', () => {
    const { lines, destination } = capture();
    const headers = new AxiosHeaders({
      Authorization: 'Bearer case-secret',
      Accept: 'application/json',
    });
    createLogger({ name: 'test', destination }).info(
      {
        Authorization: 'Bearer top-secret',
        a: { b: { c: { d: { 'X-Vault-Token': 'hvs.deep-secret' } } } },
        list: [{ password: 'array-secret' }, 'plain'],
        headers,
      },
      'mixed',
    );
    const output = lines.join('');
    for (const value of [
      'case-secret',
      'top-secret',
      'deep-secret',
      'array-secret',
    ])
      expect(output).not.toContain(value);
    expect(JSON.parse(output)).toMatchObject({
      list: [{ password: '[REDACTED]' }, 'plain'],
      headers: { Accept: 'application/json' },
    });
  });

  it('does not change the objects it was given', () => {
    const { destination } = capture();
    const payload = { req: { headers: { authorization: 'Bearer x' } } };
    createLogger({ name: 'test', destination }).info(payload);
    expect(payload.req.headers.authorization).toBe('Bearer x');
  });

  it('redacts credentials in child logger bindings', () => {
    const { lines, destination } = capture();
    createLogger({ name: 'test', destination })
      .child({ token: 'bound-secret', tenantId: 'acme' })
      .info('x');
    expect(lines.join('')).not.toContain('bound-secret');
    expect(JSON.parse(lines[0] as string).tenantId).toBe('acme');
  });

  it('redacts extra keys a service adds', () => {
    const { lines, destination } = capture();
    createLogger({
      name: 'test',
      destination,
      redactKeys: ['unwrapToken'],
    }).info({ unwrapToken: 'hvs.wrapped' });
    expect(lines.join('')).not.toContain('hvs.wrapped');
  });

  it('adds the request id to every line of a request logger', () => {
    const { lines, destination } = capture();
    const logger = withRequestId(
      createLogger({ name: 'test', destination }),
      'req-42',
    );
    logger.info('one');
    logger.warn('two');
    expect(lines.map((l) => JSON.parse(l).requestId)).toEqual([
      'req-42',
      'req-42',
    ]);
  });

  it('stamps the active span ids, and nothing outside a span', async () => {
    const { lines, destination } = capture();
    const logger = createLogger({ name: 'test', destination });
    const telemetry = initTelemetry({
      serviceName: 'logger-test',
      exporter: new InMemorySpanExporter(),
    });
    try {
      logger.info('outside');
      const ids = await telemetry.tracer.startActiveSpan(
        'work',
        async (span) => {
          await Promise.resolve();
          logger.info('inside');
          span.end();
          return span.spanContext();
        },
      );
      const [outside, inside] = lines.map((l) => JSON.parse(l));
      expect(outside).not.toHaveProperty('trace_id');
      expect(inside).toMatchObject({
        trace_id: ids.traceId,
        span_id: ids.spanId,
      });
    } finally {
      await telemetry.shutdown();
    }
  });

  it('honours the level', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ name: 'test', level: 'warn', destination });
    logger.info('dropped');
    logger.error('kept');
    expect(lines).toHaveLength(1);
  });
});

describe('createLogger error serialization', () => {
  it('logs a failed axios call without the credentials carried in its config and raw request head', async () => {
    const upstream = express();
    upstream.get('/*path', (_req, res) => {
      res.status(500).json({ errors: ['boom'] });
    });
    const server = await listen(upstream);
    try {
      const err = await axios
        .get(`${server.url}/v1/secret/data/x`, {
          headers: {
            Authorization: 'Bearer eyJ.jwt-credential',
            'X-Vault-Token': 'hvs.vault-credential',
          },
        })
        .catch((e: unknown) => e);
      const { lines, destination } = capture();
      const logger = createLogger({ name: 'test', destination });
      logger.error({ err }, 'upstream failed');
      logger.error(
        { err: new Error('wallet call failed', { cause: err }) },
        'upstream failed',
      );
      logger.error({ context: { failure: err } }, 'an error under another key');
      const output = lines.join('');
      expect(output).not.toContain('jwt-credential');
      expect(output).not.toContain('vault-credential');
      const [direct, wrapped, nested] = lines.map((l) => JSON.parse(l));
      expect(nested.context.failure).toMatchObject({
        type: 'AxiosError',
        status: 500,
      });
      expect(direct.err).toMatchObject({
        type: 'AxiosError',
        status: 500,
        method: 'GET',
      });
      expect(wrapped.err).toMatchObject({
        type: 'Error',
        message: 'wallet call failed',
        cause: { type: 'AxiosError', status: 500, method: 'GET' },
      });
    } finally {
      await server.close();
    }
  });

  it('keeps the safe fields of domain errors', () => {
    const { lines, destination } = capture();
    const err = Object.assign(new Error('Vault answered 403'), {
      status: 403,
      path: 'secret/data/tenants/acme/seed',
      errors: ['permission denied'],
    });
    createLogger({ name: 'test', destination }).warn({ err }, 'denied');
    expect(JSON.parse(lines[0] as string).err).toMatchObject({
      message: 'Vault answered 403',
      status: 403,
      errors: ['permission denied'],
    });
  });
});
