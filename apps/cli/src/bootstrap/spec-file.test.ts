import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findSpecDir, loadSpec } from './spec-file';
import { durationSeconds } from './duration';
import { renderPolicy } from './bootstrap-vault';

const specDir = findSpecDir(__dirname) as string;

describe('deploy/vault spec', () => {
  it('is found from the source tree', () => {
    expect(specDir).toMatch(/deploy[/\\]vault$/);
  });

  it.each([
    [1, [], [], undefined],
    [2, ['approle'], ['agent'], 'agent'],
    [3, ['approle', 'userpass'], ['wallet', 'tenant-login'], 'wallet'],
    [
      4,
      ['approle', 'userpass', 'jwt'],
      ['wallet-provisioner', 'tenant-login', 'tenant-data'],
      'wallet',
    ],
  ] as const)(
    'phase %i enables auth %j, policies %j and AppRole role %s',
    (phase, auth, policies, role) => {
      const spec = loadSpec(specDir, phase);
      expect(spec.mounts.map((m) => m.path)).toEqual(['secret', 'transit']);
      expect(spec.authMethods.map((a) => a.path)).toEqual(auth);
      expect(spec.policies.map((p) => p.name)).toEqual(policies);
      expect(spec.approleRole?.name).toBe(role);
    },
  );

  it('gives the phase-4 wallet the provisioner policy, never the tenant-data one', () => {
    expect(loadSpec(specDir, 4).approleRole?.tokenPolicies).toEqual([
      'wallet-provisioner',
    ]);
    expect(loadSpec(specDir, 3).approleRole?.tokenPolicies).toEqual(['wallet']);
  });

  it('configures identity tokens from phase 3 and the JWT exchange only in phase 4', () => {
    expect(loadSpec(specDir, 2).identity).toBeUndefined();
    expect(loadSpec(specDir, 3).identity?.role.template).toContain(
      '{{identity.entity.metadata.tenant_id}}',
    );
    expect(loadSpec(specDir, 3).jwt).toBeUndefined();
    expect(loadSpec(specDir, 4).jwt?.role).toMatchObject({
      userClaim: 'tenant_id',
      tokenPolicies: ['tenant-data'],
    });
  });

  it('reports every problem of an invalid spec in one message', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spec-'));
    fs.writeFileSync(
      path.join(dir, 'bootstrap.yaml'),
      'mounts: []\nauthMethods: nope\npolicies: []\n',
    );
    expect(() => loadSpec(dir, 1)).toThrow(
      /authMethods.*approleRoles|approleRoles.*authMethods/,
    );
    fs.rmSync(dir, { recursive: true });
  });
});

describe('renderPolicy', () => {
  const text =
    'path "secret/data/tenants/{{identity.entity.aliases.{{jwt_accessor}}.name}}/*" {}';

  it('puts the jwt mount accessor into the identity template', () => {
    expect(
      renderPolicy(text, { jwt: 'auth_jwt_1234abcd' }, 'jwt', 'tenant-data'),
    ).toBe(
      'path "secret/data/tenants/{{identity.entity.aliases.auth_jwt_1234abcd.name}}/*" {}',
    );
  });

  it('refuses to render when the jwt mount is not enabled', () => {
    expect(() => renderPolicy(text, {}, 'jwt', 'tenant-data')).toThrow(
      /needs the accessor of auth\/jwt/,
    );
  });
});

describe('durationSeconds', () => {
  it.each([
    ['90s', 90],
    ['15m', 900],
    ['1h30m', 5400],
    ['720h', 2592000],
    ['42', 42],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });

  it('rejects text that is not a duration', () => {
    expect(() => durationSeconds('1 hour')).toThrow(/not a duration/);
  });
});
