import { GatewayConfigError } from './config-error';
import {
  substituteDocument,
  substituteText,
  substituteValue,
} from './env-substitution';

describe('substituteValue (APISIX ${{VAR}} semantics)', () => {
  it.each([
    ['${{NAME}}', { NAME: 'agent' }, 'agent'],
    ['${{ NAME }}', { NAME: 'agent' }, 'agent'],
    ['http://${{NAME}}:80/x', { NAME: 'agent' }, 'http://agent:80/x'],
    ['${{NAME:=fallback}}', {}, 'fallback'],
    ['${{NAME:= spaced default }}', {}, 'spaced default'],
    ['${{NAME:=fallback}}', { NAME: 'set' }, 'set'],
    ['${{NAME:=fallback}}', { NAME: '' }, ''],
    ['${{A}}-${{B}}', { A: 'x', B: 'y' }, 'x-y'],
    ['no variables, 123', {}, 'no variables, 123'],
  ])('resolves %s', (value, env, expected) => {
    expect(substituteValue(value, env)).toBe(expected);
  });

  it.each([
    ['${{PORT}}', { PORT: '8085' }, 8085],
    ['${{RATIO:=0.5}}', {}, 0.5],
    ['${{FLAG}}', { FLAG: 'true' }, true],
    ['${{FLAG:=false}}', {}, false],
  ])(
    'converts %s to a number or boolean once a variable was used',
    (value, env, expected) => {
      expect(substituteValue(value, env)).toBe(expected);
    },
  );

  it('refuses an unset variable without default and names it', () => {
    expect(() => substituteValue('${{GATEWAY_DEMO_API_KEY}}', {})).toThrow(
      new GatewayConfigError(
        "failed to handle configuration: can't find environment variable GATEWAY_DEMO_API_KEY",
      ),
    );
  });

  // APISIX 3.18 apisix/cli/file.lua resolve_conf_var renames a key holding a variable (config.yaml).
  it('substitutes values at every depth and mapping keys too, as 3.18 does for config.yaml', () => {
    const document = {
      '${{KEY}}': ['${{VALUE}}', { nested: '${{VALUE}}' }],
      count: 3,
    };
    expect(substituteDocument(document, { KEY: 'k', VALUE: 'v' })).toEqual({
      k: ['v', { nested: 'v' }],
      count: 3,
    });
  });
});

// apisix/cli/file.lua resolve_conf_var_in_text, which apisix/core/config_yaml.lua runs on the raw
// text of apisix.yaml before yaml.load (APISIX >= 3.17).
describe('substituteText (APISIX >= 3.17 raw-text semantics)', () => {
  it('substitutes in comments too, so a variable without value or default there fails the load', () => {
    expect(() =>
      substituteText('# set ${{VAR}} to change it\nroutes: []\n', {}),
    ).toThrow(
      "failed to handle configuration: can't find environment variable VAR",
    );
    expect(substituteText('# port ${{P:=1}}\nport: ${{P:=1}}\n', {})).toBe(
      '# port 1\nport: 1\n',
    );
  });

  it('leaves quoting alone: the YAML parser decides types afterwards', () => {
    expect(substituteText('a: "${{P}}"\nb: ${{P}}\n', { P: '8085' })).toBe(
      'a: "8085"\nb: 8085\n',
    );
  });

  it('names the last missing variable, as Lua gsub keeps the last error', () => {
    expect(() => substituteText('${{FIRST}} ${{SECOND}}', {})).toThrow(
      "can't find environment variable SECOND",
    );
  });

  it('uses a set but empty variable rather than the default (Lua: getenv(var) or default)', () => {
    expect(substituteText('k: "${{K:=fallback}}"', { K: '' })).toBe('k: ""');
  });
});
