// Writes the OpenAPI documents generated from the zod contracts (docs/api/*.openapi.json).
// Run with `npm run openapi -w @secret-flows/contracts`; src/openapi.test.ts fails when the
// committed files differ from what this script would write.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderOpenApiDocuments } from '../src/index';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
for (const [relative, text] of Object.entries(renderOpenApiDocuments())) {
  const target = path.join(repoRoot, relative);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  process.stdout.write(`wrote ${relative}\n`);
}
