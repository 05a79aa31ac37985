import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { IMPLEMENTED_PLUGINS } from './plugins/plugin-registry';

// deploy/apisix/config.yaml is what production APISIX runs with next to apisix.yaml; these
// checks keep the two files and gateway-dev from drifting apart.
const DEPLOY_DIR = path.resolve(__dirname, '../../../deploy/apisix');
const standaloneText = fs.readFileSync(
  path.join(DEPLOY_DIR, 'apisix.yaml'),
  'utf8',
);
const standalone = parse(standaloneText) as {
  routes: { plugins?: Record<string, unknown> }[];
};
const nodeConfigText = fs.readFileSync(
  path.join(DEPLOY_DIR, 'config.yaml'),
  'utf8',
);
const nodeConfig = parse(nodeConfigText) as {
  plugins: string[];
  nginx_config: { envs: string[] };
};

describe('deploy/apisix/config.yaml', () => {
  it('enables exactly the plugins apisix.yaml uses, all of which gateway-dev implements', () => {
    const used = [
      ...new Set(
        standalone.routes.flatMap((route) => Object.keys(route.plugins ?? {})),
      ),
    ].sort();
    expect([...nodeConfig.plugins].sort()).toEqual(used);
    expect(
      used.filter((plugin) => !IMPLEMENTED_PLUGINS.includes(plugin)),
    ).toEqual([]);
  });

  it('passes every variable apisix.yaml and config.yaml substitute to the nginx workers', () => {
    const variables = [
      ...new Set(
        [
          ...`${standaloneText}\n${nodeConfigText}`.matchAll(/\$\{\{\s*(\w+)/g),
        ].map((match) => match[1]),
      ),
    ].sort();
    expect([...nodeConfig.nginx_config.envs].sort()).toEqual(variables);
  });

  // APISIX >= 3.17 substitutes in the raw text of apisix.yaml, comments included: a reference
  // in a comment is substituted too and, when unset without default, refuses the whole file.
  it('has no variable reference in a comment of either file', () => {
    const commentsWithVariables = `${standaloneText}\n${nodeConfigText}`
      .split('\n')
      .filter((line) => /^\s*#/.test(line) && line.includes('${{'));
    expect(commentsWithVariables).toEqual([]);
  });
});
