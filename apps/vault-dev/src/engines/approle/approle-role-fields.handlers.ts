/**
 * The per-field role endpoints (`role/:role/token-ttl`, `.../policies`, ...) that
 * Vault's AppRole offers besides the whole-role write (path_role.go): read one
 * field, update it, or reset it to its default.
 */
import type { BackendRequest, BackendResponse } from '../../core/backend';
import { badField } from './field-parsers';
import { notFound } from './route-table';
import type { createRoleHandlers } from './approle-roles.handlers';

type RoleHandlers = ReturnType<typeof createRoleHandlers>;

/** URL segment -> [field in role reads and writes, its default, deprecated alias]. */
export const ROLE_FIELD_TABLE: Record<string, [string, unknown, string?]> = {
  policies: ['token_policies', [], 'policies'],
  'token-policies': ['token_policies', []],
  period: ['token_period', 0, 'period'],
  'token-period': ['token_period', 0],
  'bind-secret-id': ['bind_secret_id', true],
  'secret-id-bound-cidrs': ['secret_id_bound_cidrs', []],
  'secret-id-num-uses': ['secret_id_num_uses', 0],
  'secret-id-ttl': ['secret_id_ttl', 0],
  'token-bound-cidrs': ['token_bound_cidrs', []],
  'token-num-uses': ['token_num_uses', 0],
  'token-ttl': ['token_ttl', 0],
  'token-max-ttl': ['token_max_ttl', 0],
  'token-explicit-max-ttl': ['token_explicit_max_ttl', 0],
  'token-type': ['token_type', 'default'],
  'local-secret-ids': ['local_secret_ids', false],
};

export const ROLE_FIELD_SEGMENTS = Object.keys(ROLE_FIELD_TABLE);

export function createRoleFieldHandlers(roles: RoleHandlers) {
  async function read(
    req: BackendRequest,
    [name, segment]: string[],
  ): Promise<BackendResponse> {
    const [field, , alias] = ROLE_FIELD_TABLE[segment];
    const whole = await roles.readRole(req, [name]);
    if (whole.kind !== 'data') notFound();
    const value = whole.data[field];
    return {
      kind: 'data',
      data: alias ? { [field]: value, [alias]: value } : { [field]: value },
    };
  }

  async function update(
    req: BackendRequest,
    [name, segment]: string[],
  ): Promise<BackendResponse> {
    const [field, , alias] = ROLE_FIELD_TABLE[segment];
    if (segment === 'local-secret-ids')
      badField('local_secret_ids can only be set when the role is created');
    roles.roleOrThrow(name);
    const value = req.data[field] ?? (alias ? req.data[alias] : undefined);
    if (value === undefined) badField(`missing ${field}`);
    return roles.writeRole({ ...req, data: { [field]: value } }, [name]);
  }

  async function reset(
    req: BackendRequest,
    [name, segment]: string[],
  ): Promise<BackendResponse> {
    const [field, fallback] = ROLE_FIELD_TABLE[segment];
    if (segment === 'local-secret-ids')
      badField('local_secret_ids can only be set when the role is created');
    roles.roleOrThrow(name);
    return roles.writeRole({ ...req, data: { [field]: fallback } }, [name]);
  }

  return { read, update, reset };
}
