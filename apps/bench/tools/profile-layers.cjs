// Summarises each .cpuprofile given as the share of busy (non-idle) time per layer, as in docs/benchmarks.md:
//   node apps/bench/tools/profile-layers.cjs /tmp/secret-flows-profiles/agent-1234.cpuprofile
'use strict';
const fs = require('node:fs');

const LAYERS = [
  [
    'module loading',
    (f, u) =>
      /wrapSafe|compileFunction/.test(f) || /modules\/cjs\/loader/.test(u),
  ],
  [
    'axios',
    (f, u) =>
      /node_modules\/(axios|follow-redirects|form-data|proxy-from-env)\//.test(
        u,
      ),
  ],
  ['opentelemetry', (f, u) => /node_modules\/@opentelemetry\//.test(u)],
  ['pino', (f, u) => /node_modules\/(pino|sonic-boom|thread-stream)/.test(u)],
  [
    'prom-client',
    (f, u) => /node_modules\/(prom-client|tdigest|bintrees)\//.test(u),
  ],
  ['helmet', (f, u) => /node_modules\/helmet\//.test(u)],
  ['zod', (f, u) => /node_modules\/zod\//.test(u)],
  [
    'jwt libraries',
    (f, u) => /node_modules\/(jsonwebtoken|jws|jwa|jose)\//.test(u),
  ],
  ['express and its dependencies', (f, u) => /node_modules\//.test(u)],
  ['our code', (f, u) => /\/(apps|libs)\/[^/]+\/dist\//.test(u)],
  ['node crypto', (f, u) => /crypto/.test(u)],
  [
    'node http',
    (f, u) => /_http_|node:http/.test(u) || /HTTPParser|parserOn/.test(f),
  ],
  [
    'socket writes and streams',
    (f, u) =>
      /node:net|stream/.test(u) ||
      /writev|writeLatin1String|writeUtf8String|writeBuffer/.test(f),
  ],
  ['GC', (f) => f === '(garbage collector)'],
  ['other Node internals', (f, u) => u.startsWith('node:') || u === ''],
];

function summarise(file) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const time = new Map();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const { functionName, url } = byId.get(id).callFrame;
    if (functionName === '(idle)') return;
    const dt = profile.timeDeltas[i] || 0;
    const layer = (LAYERS.find(([, test]) => test(functionName, url)) || [
      'other',
    ])[0];
    time.set(layer, (time.get(layer) || 0) + dt);
    busy += dt;
  });
  console.log(`${file}: ${Math.round(busy / 1000)} ms busy`);
  for (const [layer, t] of [...time].sort((a, b) => b[1] - a[1])) {
    console.log(`${((100 * t) / busy).toFixed(1).padStart(5)} %  ${layer}`);
  }
}

for (const file of process.argv.slice(2)) summarise(file);
