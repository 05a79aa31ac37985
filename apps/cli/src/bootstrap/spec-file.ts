import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/** The four deployment phases of Secret Flows (docs/architecture.md). */
export type Phase = 1 | 2 | 3 | 4;

const phases = z
  .array(z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]))
  .min(1);
const duration = z
  .string()
  .regex(/^(\d+(ms|s|m|h))+$|^\d+$/, 'a duration like 90s, 15m or 1h');
const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _');

const specSchema = z.object({
  mounts: z.array(
    z.object({
      path: name,
      type: z.string(),
      options: z.record(z.string(), z.string()).optional(),
      description: z.string().optional(),
      phases,
    }),
  ),
  authMethods: z.array(
    z.object({
      path: name,
      type: z.enum(['approle', 'userpass', 'jwt']),
      description: z.string().optional(),
      // Vault's per-mount user lockout (auth tune `user_lockout_config`); absent = Vault's defaults.
      userLockout: z.object({ disable: z.boolean() }).strict().optional(),
      phases,
    }),
  ),
  policies: z.array(z.object({ name, phases })),
  approleRoles: z.array(
    z.object({
      name,
      phases,
      tokenPolicies: z.array(name).min(1),
      tokenTtl: duration,
      tokenMaxTtl: duration,
      secretIdTtl: duration,
      secretIdNumUses: z.number().int().min(0),
    }),
  ),
  identity: z.object({
    phases,
    key: z.object({
      name,
      algorithm: z.enum(['RS256', 'ES256']),
      rotationPeriod: duration,
      verificationTtl: duration,
    }),
    role: z.object({ name, key: name, ttl: duration, template: z.string() }),
  }),
  jwt: z.object({
    phases,
    mount: name,
    role: z.object({
      name,
      userClaim: z.string(),
      claimMappings: z.record(z.string(), z.string()).optional(),
      tokenPolicies: z.array(name).min(1),
      tokenTtl: duration,
      tokenMaxTtl: duration,
    }),
  }),
});

export type BootstrapSpec = z.infer<typeof specSchema>;

/** The spec narrowed to one phase: lists filtered, phase-less sections undefined. */
export interface PhaseSpec {
  phase: Phase;
  mounts: BootstrapSpec['mounts'];
  authMethods: BootstrapSpec['authMethods'];
  policies: Array<{ name: string; text: string }>;
  approleRole?: BootstrapSpec['approleRoles'][number];
  identity?: BootstrapSpec['identity'];
  jwt?: BootstrapSpec['jwt'];
}

/** Reads `bootstrap.yaml` and the policy files of `phase` from `specDir`, failing with every problem at once. */
export function loadSpec(specDir: string, phase: Phase): PhaseSpec {
  const file = path.join(specDir, 'bootstrap.yaml');
  const parsed = specSchema.safeParse(parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.')}: ${i.message}`)
      .join('; ');
    throw new Error(`${file} is invalid: ${problems}`);
  }
  const spec = parsed.data;
  const inPhase = <T extends { phases: number[] }>(items: T[]) =>
    items.filter((i) => i.phases.includes(phase));
  const roles = inPhase(spec.approleRoles);
  if (roles.length > 1)
    throw new Error(`${file}: more than one AppRole role for phase ${phase}`);
  return {
    phase,
    mounts: inPhase(spec.mounts),
    authMethods: inPhase(spec.authMethods),
    policies: inPhase(spec.policies).map((p) => ({
      name: p.name,
      text: fs.readFileSync(
        path.join(specDir, 'policies', `${p.name}.hcl`),
        'utf8',
      ),
    })),
    approleRole: roles[0],
    identity: spec.identity.phases.includes(phase) ? spec.identity : undefined,
    jwt: spec.jwt.phases.includes(phase) ? spec.jwt : undefined,
  };
}

/** Finds `deploy/vault` by walking up from `start` (the source tree or the built dist/). */
export function findSpecDir(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'deploy', 'vault');
    if (fs.existsSync(path.join(candidate, 'bootstrap.yaml'))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}
