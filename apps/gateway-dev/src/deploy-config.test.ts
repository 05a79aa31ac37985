import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { IMPLEMENTED_PLUGINS } from './plugins/plugin-registry';

// deploy/apisix/config.yaml is what production APISIX runs with next to apisix.yaml; these
// checks keep the two files and gateway-dev from drifting apart.
const DEPLOY_DIR = path.resolve(__dirname, '../../../deploy/apisix');
const standaloneText = fs.readFileSync(path.join(DEPLOY_DIR, 'apisix.yaml'), 'utf8');
const standalone = parse(standaloneText) as { routes: { plugins?: Record<string, unknown> }[] };
const nodeConfig = parse(fs.readFileSync(path.join(DEPLOY_DIR, 'config.yaml'), 'utf8')) as {
  plugins: string[];
  nginx_config: { envs: string[] };
};

describe('deploy/apisix/config.yaml', () => {
  it('enables exactly the plugins apisix.yaml uses, all of which gateway-dev implements', () => {
    const used = [...new Set(standalone.routes.flatMap((route) => Object.keys(route.plugins ?? {})))].sort();
    expect([...nodeConfig.plugins].sort()).toEqual(used);
    expect(used.filter((plugin) => !IMPLEMENTED_PLUGINS.includes(plugin))).toEqual([]);
  });

  it('passes every variable apisix.yaml substitutes to the nginx workers', () => {
    const withoutComments = standaloneText.replace(/(^|\s)#.*$/gm, '');
    const variables = [...new Set([...withoutComments.matchAll(/\$\{\{\s*(\w+)/g)].map((match) => match[1]))].sort();
    expect([...nodeConfig.nginx_config.envs].sort()).toEqual(variables);
  });
});
