import { createDependencies } from '../compose';
import { GatewayConfigError } from './config-error';
import { hasEndMarker, parseStandaloneText } from './standalone-file';
import { writeTempConfig } from '../../test/echo-upstream';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const route = (plugins: string) => `
upstreams:
  - id: up
    nodes:
      - host: 127.0.0.1
        port: 1
        weight: 1
consumers:
  - username: app
    plugins:
      key-auth:
        key: "\${{APP_KEY:=}}"
routes:
  - id: r1
    uri: /x/*
    plugins:
${plugins}
    upstream_id: up
#END
`;

/** Loads a standalone text the way startGateway does, including plugin compilation. */
function load(text: string, env: Record<string, string> = {}) {
  return createDependencies({ configPath: writeTempConfig(text), env, logger: silent });
}

describe('reading an APISIX standalone file', () => {
  it.each([
    ['routes: []\n#END', true],
    ['routes: []\n#END\n', true],
    ['routes: []\n#END   \n\n', true],
    ['routes: []\n', false],
    ['#END\nroutes: []\n', false],
    ['routes: []\n# END\n', false],
  ])('accepts the #END marker only at the end of the file (%j)', (text, expected) => {
    expect(hasEndMarker(text)).toBe(expected);
  });

  it('refuses a file without #END, as APISIX does not load it', () => {
    expect(() => parseStandaloneText('routes: []\n', {})).toThrow(/missing valid end flag \(#END\)/);
  });

  it('refuses to start when a variable without default is unset, naming the variable', () => {
    const text = 'consumers:\n  - username: app\n    plugins:\n      key-auth:\n        key: "${{MY_KEY}}"\n#END\n';
    expect(() => parseStandaloneText(text, {})).toThrow("can't find environment variable MY_KEY");
    expect(parseStandaloneText(text, { MY_KEY: 'abc' }).consumers[0].plugins['key-auth']).toEqual({ key: 'abc' });
  });

  it('refuses a plugin it does not implement, naming the plugin and the route', () => {
    const text = route('      key-auth: {}\n      cors: {}');
    expect(() => load(text, { APP_KEY: 'k' })).toThrow(GatewayConfigError);
    expect(() => load(text, { APP_KEY: 'k' })).toThrow(/route "r1": plugin "cors" is not implemented by gateway-dev/);
  });

  it('refuses a plugin setting it does not implement instead of ignoring it', () => {
    const text = route('      limit-count: {count: 1, time_window: 1, policy: redis}');
    expect(() => load(text, { APP_KEY: 'k' })).toThrow(/route "r1": plugin "limit-count": policy/);
  });

  it('refuses route fields it does not implement', () => {
    const text = route('      request-id: {}').replace('    uri: /x/*', '    uri: /x/*\n    hosts: [example.com]');
    expect(() => load(text, { APP_KEY: 'k' })).toThrow(/route "r1".*hosts/);
  });

  it('refuses sections it does not implement when they are not empty', () => {
    expect(() => parseStandaloneText('global_rules:\n  - id: 1\n    plugins: {}\n#END\n', {})).toThrow(
      /section "global_rules" is not implemented/,
    );
    expect(parseStandaloneText('global_rules: []\n#END\n', {}).routes).toEqual([]);
  });

  it('refuses an empty consumer key, which would make an empty apikey header valid', () => {
    expect(() => load(route('      key-auth: {}'))).toThrow(/consumer "app": plugin "key-auth": key is empty/);
  });

  it('refuses an all-digit key, which substitution turns into a number as in APISIX', () => {
    expect(() => load(route('      key-auth: {}'), { APP_KEY: '123456' })).toThrow(/consumer "app": plugin "key-auth"/);
  });

  it('refuses a route that points to an unknown upstream', () => {
    const text = route('      request-id: {}').replace('upstream_id: up', 'upstream_id: nope');
    expect(() => load(text, { APP_KEY: 'k' })).toThrow(/route "r1": upstream_id "nope" not found/);
  });

  it('loads a valid file and lists its routes', () => {
    expect(load(route('      key-auth: {}\n      request-id: {}'), { APP_KEY: 'k' }).routeIds).toEqual(['r1']);
  });
});
