'use strict';
// Entry point of the one image (the repository's Dockerfile, built with --build-arg APP=<app>):
// starts apps/<app>/dist/main.js, where <app> is SECRET_FLOWS_APP, which the Dockerfile sets
// from APP. Docker never expands build arguments inside an exec-form ENTRYPOINT, hence this file.
// The app's arguments pass through unchanged (process.argv keeps them after this script).
const path = require('node:path');

const app = process.env.SECRET_FLOWS_APP;
if (!app || !/^[a-z][a-z0-9-]*$/.test(app)) {
  process.stderr.write(
    `SECRET_FLOWS_APP must name an app of apps/ (got ${JSON.stringify(app ?? '')})\n`,
  );
  process.exit(2);
}
require(path.join(__dirname, '..', '..', 'apps', app, 'dist', 'main.js'));
