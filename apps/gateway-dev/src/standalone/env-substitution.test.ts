import { GatewayConfigError } from './config-error';
import { substituteDocument, substituteValue } from './env-substitution';

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
  ])('converts %s to a number or boolean once a variable was used', (value, env, expected) => {
    expect(substituteValue(value, env)).toBe(expected);
  });

  it('refuses an unset variable without default and names it', () => {
    expect(() => substituteValue('${{GATEWAY_DEMO_API_KEY}}', {})).toThrow(
      new GatewayConfigError("failed to handle configuration: can't find environment variable GATEWAY_DEMO_API_KEY"),
    );
  });

  it('substitutes values at every depth but never mapping keys', () => {
    const document = { '${{KEY}}': ['${{VALUE}}', { nested: '${{VALUE}}' }], count: 3 };
    expect(substituteDocument(document, { KEY: 'k', VALUE: 'v' })).toEqual({
      '${{KEY}}': ['v', { nested: 'v' }],
      count: 3,
    });
  });
});
