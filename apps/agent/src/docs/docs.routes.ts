import * as path from 'node:path';
import { agentOpenApiDocument } from '@secret-flows/contracts';
import { Router, type Response } from 'express';

/** The API reference renderer, served from node_modules (pinned in package.json; no CDN). */
const SWAGGER_UI_DIR = path.dirname(
  require.resolve('swagger-ui-dist/package.json'),
);

/** The only renderer files the page loads; nothing else of the package is served. */
const RENDERER_FILES: Readonly<Record<string, string>> = Object.freeze({
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
});

/**
 * The page's policy. Everything comes from this origin; Swagger UI sets inline `style`
 * attributes (hence 'unsafe-inline' for styles only, never for scripts) and draws its icons as
 * data: images. connect-src 'self' lets it fetch openapi.json and nothing elsewhere.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// Every URL is relative to /docs/ so the page works under any prefix (the gateway's /cloud-agent).
const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Secret Flows agent API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="swagger-ui-bundle.js"></script>
<script src="init.js"></script>
</body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to an online validator.
const INIT_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: 'openapi.json',
    dom_id: '#swagger-ui',
    layout: 'BaseLayout',
    presets: [SwaggerUIBundle.presets.apis],
    deepLinking: true,
    displayOperationId: true,
    docExpansion: 'list',
    validatorUrl: null,
  });
});
`;

function docsHeaders(
  res: Response,
  contentType: string,
  cacheSeconds: number,
): void {
  res.setHeader('Content-Security-Policy', DOCS_CSP);
  res.setHeader('Content-Type', contentType);
  res.setHeader(
    'Cache-Control',
    cacheSeconds > 0 ? `public, max-age=${cacheSeconds}` : 'no-cache',
  );
}

/**
 * GET /docs (the browsable API reference, Swagger UI) and GET /docs/openapi.json (the agent's
 * OpenAPI document, generated from the contracts like docs/api/agent.openapi.json). Public and
 * read-only: the document describes the API, it grants nothing (ADR 0014).
 */
export function createDocsRouter(): Router {
  const router = Router({ caseSensitive: true, strict: true });
  const openApi = `${JSON.stringify(agentOpenApiDocument(), null, 2)}\n`;

  // /docs -> docs/ so that the page's relative URLs resolve inside it, also behind a prefix.
  router.get('/docs', (_req, res) => {
    res.redirect(301, 'docs/');
  });
  router.get('/docs/', (_req, res) => {
    docsHeaders(res, 'text/html; charset=utf-8', 0);
    res.send(INDEX_HTML);
  });
  router.get('/docs/init.js', (_req, res) => {
    docsHeaders(res, 'text/javascript; charset=utf-8', 0);
    res.send(INIT_JS);
  });
  router.get('/docs/openapi.json', (_req, res) => {
    docsHeaders(res, 'application/json; charset=utf-8', 0);
    res.send(openApi);
  });
  router.get('/docs/:file', (req, res, next) => {
    const file = req.params.file;
    const contentType = Object.hasOwn(RENDERER_FILES, file)
      ? RENDERER_FILES[file]
      : undefined;
    if (!contentType) return next();
    docsHeaders(res, contentType, 86_400);
    res.sendFile(file, { root: SWAGGER_UI_DIR, dotfiles: 'deny' }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  });
  return router;
}
