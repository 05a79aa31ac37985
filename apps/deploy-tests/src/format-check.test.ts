/**
 * `npm test` enforces the repository's format: its first step is `prettier --check .`, which must
 * fail on a mis-formatted source file, and .prettierignore must hide only generated files.
 * Prettier's own API runs with the repository's configuration (.prettierrc, .prettierignore) in a
 * child Node process (Prettier loads its parsers with dynamic imports, which Jest's module system
 * refuses).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');

interface Probe {
  file: string;
  code?: string;
}
interface Answer {
  ignored: boolean;
  parser: string | null;
  formatted?: boolean;
  output?: string;
}

const SCRIPT = `
import * as prettier from 'prettier';
import { join } from 'node:path';
const probes = JSON.parse(process.argv[1]);
const out = [];
for (const p of probes) {
  const file = join(process.cwd(), p.file);
  const info = await prettier.getFileInfo(file, { ignorePath: join(process.cwd(), '.prettierignore') });
  const answer = { ignored: info.ignored, parser: info.inferredParser };
  if (p.code !== undefined) {
    const options = { ...((await prettier.resolveConfig(file)) ?? {}), filepath: file };
    answer.formatted = await prettier.check(p.code, options);
    answer.output = await prettier.format(p.code, options);
  }
  out.push(answer);
}
process.stdout.write(JSON.stringify(out));
`;

function ask(probes: Probe[]): Answer[] {
  const stdout = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', SCRIPT, JSON.stringify(probes)],
    { cwd: root, encoding: 'utf8' },
  );
  return JSON.parse(stdout) as Answer[];
}

describe('the format check in npm test', () => {
  it('runs prettier --check over the whole repository before anything else', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.scripts.test).toMatch(/^prettier --check \. /);
  });

  it('rejects mis-formatted TypeScript, YAML and Markdown, and accepts the formatted form', () => {
    const [ts, yaml, md] = ask([
      {
        file: 'apps/agent/src/fixture.ts',
        code: 'export const x = {a:1,\n  b : "two"}\n',
      },
      { file: 'deploy/k8s/base/fixture.yaml', code: 'a:   1\nb:\n    - x\n' },
      { file: 'docs/fixture.md', code: '# Title\n*  item\n' },
    ]);
    expect(ts.formatted).toBe(false);
    expect(ts.output).toBe("export const x = { a: 1, b: 'two' };\n");
    expect(yaml.formatted).toBe(false);
    expect(md.formatted).toBe(false);
    const [again] = ask([
      { file: 'apps/agent/src/fixture.ts', code: ts.output },
    ]);
    expect(again.formatted).toBe(true);
  });

  it('checks every kind of source file and ignores only generated ones', () => {
    const sources = [
      'apps/agent/src/main.ts',
      'apps/vault-dev/src/main.ts',
      'libs/auth/src/index.ts',
      'deploy/apisix/apisix.yaml',
      'deploy/k8s/base/kustomization.yaml',
      'docs/security.md',
      'README.md',
      'package.json',
    ];
    const generated = [
      'docs/api/agent.openapi.json',
      'pacts/agent-wallet.json',
    ];
    const answers = ask([...sources, ...generated].map((file) => ({ file })));
    sources.forEach((file, i) => {
      expect({ file, ignored: answers[i].ignored }).toEqual({
        file,
        ignored: false,
      });
      expect(answers[i].parser).not.toBeNull();
    });
    generated.forEach((file, i) => {
      expect({ file, ignored: answers[sources.length + i].ignored }).toEqual({
        file,
        ignored: true,
      });
    });
  });
});
