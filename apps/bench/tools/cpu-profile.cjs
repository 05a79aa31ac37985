// CPU profiles of the platform's services under the benchmark. `node --cpu-prof` is refused in
// NODE_OPTIONS, but a --require preload is not, and startPlatform passes NODE_OPTIONS on:
//   NODE_OPTIONS="--require $PWD/apps/bench/tools/cpu-profile.cjs" node apps/bench/dist/main.js --no-write
// Each apps/<app>/dist/main.js process writes <tmpdir>/secret-flows-profiles/<app>-<pid>.cpuprofile
// when it exits (open it in Chrome DevTools, or summarise it with profile-layers.cjs).
'use strict';
const match = /apps\/([^/]+)\/dist\/main\.js$/.exec(process.argv[1] || '');
if (match) {
  const fs = require('node:fs');
  const os = require('node:os');
  const path = require('node:path');
  const inspector = require('node:inspector');
  const dir = path.join(os.tmpdir(), 'secret-flows-profiles');
  fs.mkdirSync(dir, { recursive: true });
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  // The main-thread inspector session answers synchronously, so this works inside 'exit'.
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err)
        fs.writeFileSync(
          path.join(dir, `${match[1]}-${process.pid}.cpuprofile`),
          JSON.stringify(result.profile),
        );
    });
  });
}
