import { createDependencies } from '../compose';
import { GatewayConfigError } from './config-error';
import { hasEndMarker, parseStandaloneText } from './standalone-file';
import { writeTempConfig } from '../../test/echo-upstream';

const silent = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

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
  return createDependencies({
    configPath: writeTempConfig(text),
    env,
    logger: silent,
  });
}

describe('reading an APISIX standalone file', () => {
  it.each([
    ['routes: []\n#END', true],
    ['routes: []\n#END\n', true],
    ['routes: []\n#END   \n\n', true],
    ['routes: []\n', false],
    ['#END\nroutes: []\n', false],
    ['routes: []\n# END\n', false],
  ])(
    'accepts the #END marker only at the end of the file (%j)',
    (text, expected) => {
      expect(hasEndMarker(text)).toBe(expected);
    },
  );

  it('refuses a file without #END, as APISIX does not load it', () => {
    expect(() => parseStandaloneText('routes: []\n', {})).toThrow(
      /missing valid end flag \(#END\)/,
    );
  });

  it('refuses to start when a variable without default is unset, naming the variable', () => {
    const text =
      'consumers:\n  - username: app\n    plugins:\n      key-auth:\n        key: "${{MY_KEY}}"\n#END\n';
    expect(() => parseStandaloneText(text, {})).toThrow(
      "can't find environment variable MY_KEY",
    );
    expect(
      parseStandaloneText(text, { MY_KEY: 'abc' }).consumers[0].plugins[
        'key-auth'
      ],
    ).toEqual({ key: 'abc' });
  });

  it('refuses a plugin it does not implement, naming the plugin and the route', () => {
    const text = route('      key-auth: {}\n      cors: {}');
    expect(() => load(text, { APP_KEY: 'k' })).toThrow(GatewayConfigError);
    expect(() => load(text, { APP_KEY: 'k' })).toThrow(
      /route "r1": plugin "cors" is not implemented by gateway-dev/,
    );
  });

  it('refuses a plugin setting it does not implement instead of ignoring it', () => {
    const text = route(
      '      limit-count: {count: 1, time_window: 1, policy: redis}',
    );
    expect(() => load(text, { APP_KEY: 'k' })).toThrow(
      /route "r1": plugin "limit-count": policy/,
    );
  });

  it('refuses route fields it does not implement', () => {
    const text = route('      request-id: {}').replace(
      '    uri: /x/*',
      '    uri: /x/*\n    hosts: [example.com]',
    );
    expect(() => load(text, { APP_KEY: 'k' })).toThrow(/route "r1".*hosts/);
  });

  it('refuses sections it does not implement when they are not empty', () => {
    expect(() =>
      parseStandaloneText(
        'global_rules:\n  - id: 1\n    plugins: {}\n#END\n',
        {},
      ),
    ).toThrow(/section "global_rules" is not implemented/);
    expect(parseStandaloneText('global_rules: []\n#END\n', {}).routes).toEqual(
      [],
    );
  });

  it('refuses an empty consumer key, which would make an empty apikey header valid', () => {
    expect(() => load(route('      key-auth: {}'))).toThrow(
      /consumer "app": plugin "key-auth": key is empty/,
    );
  });

  // APISIX >= 3.17 substitutes before parsing: a quoted all-digit value stays a string (it was
  // a number when substitution ran on parsed values), an unquoted one is a number, which
  // key-auth's consumer_schema ({key = {type = "string"}}) refuses.
  it('keeps a quoted all-digit key a string and refuses an unquoted one', () => {
    expect(
      load(route('      key-auth: {}'), { APP_KEY: '123456' }).routeIds,
    ).toEqual(['r1']);
    const unquoted = route('      key-auth: {}').replace(
      'key: "${{APP_KEY:=}}"',
      'key: ${{APP_KEY:=}}',
    );
    expect(() => load(unquoted, { APP_KEY: '123456' })).toThrow(
      /consumer "app": plugin "key-auth"/,
    );
  });

  it('substitutes in the raw text, comments included (apisix/core/config_yaml.lua)', () => {
    const text = '# set ${{UNSET_IN_COMMENT}} to change it\nroutes: []\n#END\n';
    expect(() => parseStandaloneText(text, {})).toThrow(
      "can't find environment variable UNSET_IN_COMMENT",
    );
  });

  // schema_def.lua: a node port is {type = "integer"}; config_yaml.lua sync_data drops an item
  // that fails its schema; apisix/init.lua handle_upstream answers 502 for a missing upstream.
  it('drops an upstream whose quoted port stays a string, as APISIX does, and keeps an unquoted one', () => {
    const upstreams = (port: string) =>
      `upstreams:\n  - id: up\n    nodes:\n      - host: 127.0.0.1\n        port: ${port}\n        weight: 1\n#END\n`;
    const quoted = parseStandaloneText(upstreams('"${{P:=8085}}"'), {});
    expect(quoted.upstreams).toEqual([]);
    expect(quoted.rejectedUpstreams).toEqual([
      { id: 'up', reason: expect.stringMatching(/nodes/) },
    ]);
    const plain = parseStandaloneText(upstreams('${{P:=8085}}'), {});
    expect(plain.upstreams[0].nodes).toEqual([
      { host: '127.0.0.1', port: 8085, weight: 1 },
    ]);
  });

  it("reads plain scalars with lyaml's YAML 1.1 types (yes/on are booleans, y and dates stay strings)", () => {
    const text =
      'routes:\n  - {id: r, uri: /x, upstream_id: u, labels: {a: y, b: 2024-01-02}, plugins: {}}\n#END\n';
    expect(parseStandaloneText(text, {}).routes[0].labels).toEqual({
      a: 'y',
      b: '2024-01-02',
    });
    const bool =
      'routes:\n  - {id: r, uri: /x, upstream_id: u, status: on}\n#END\n';
    expect(() => parseStandaloneText(bool, {})).toThrow(/status/);
  });

  // apisix/init.lua handle_upstream: `if not upstream then return core.response.exit(502)`.
  it('loads a route that points to an unknown upstream; it answers 502 (see gateway.http.test.ts)', () => {
    const text = route('      request-id: {}').replace(
      'upstream_id: up',
      'upstream_id: nope',
    );
    expect(load(text, { APP_KEY: 'k' }).routeIds).toEqual(['r1']);
  });

  it('loads a valid file and lists its routes', () => {
    expect(
      load(route('      key-auth: {}\n      request-id: {}'), { APP_KEY: 'k' })
        .routeIds,
    ).toEqual(['r1']);
  });
});
