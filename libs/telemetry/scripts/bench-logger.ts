// Cost of one access-log line through createLogger (redaction, trace mixin, error serializer)
// against bare pino writing the same object to the same sink.
// Run: npm run bench -w @secret-flows/telemetry
import { Writable } from 'node:stream';
import pino from 'pino';
import { createLogger } from '../src/index';

const LINES = 20_000;
const sink = () =>
  new Writable({ write: (_chunk, _encoding, callback) => callback() });
const line = {
  req: {
    method: 'GET',
    url: '/secrets/db',
    headers: {
      host: '127.0.0.1:8085',
      'user-agent': 'bench',
      authorization: 'Bearer x',
    },
  },
  res: { statusCode: 200 },
  responseTimeMs: 1.2,
  tenantId: 'acme',
};

function microsPerLine(logger: {
  info: (o: object, m: string) => void;
}): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < LINES; i += 1) logger.info(line, 'request completed');
  return Number(process.hrtime.bigint() - start) / 1000 / LINES;
}

const ours = createLogger({ name: 'bench', destination: sink() });
const bare = pino({ name: 'bench' }, sink());
microsPerLine(ours);
microsPerLine(bare);
const results = {
  'createLogger (us/line)': microsPerLine(ours),
  'bare pino (us/line)': microsPerLine(bare),
};
for (const [name, value] of Object.entries(results))
  process.stdout.write(`${name.padEnd(26)} ${value.toFixed(2)}\n`);
