import { camelize } from './transport';

/** Vault's success envelope (Vault: sdk/logical/translate_response.go), keys camelCased, `data` left as Vault sent it. */
export interface VaultResponse<D = Record<string, unknown>> {
  requestId: string;
  leaseId: string;
  renewable: boolean;
  leaseDurationSeconds: number;
  data: D | null;
  warnings: string[];
  auth?: VaultAuthInfo;
  wrapInfo?: WrapInfo;
  mountType?: string;
}

/** The `auth` block of a login or renewal. */
export interface VaultAuthInfo {
  clientToken: string;
  accessor: string;
  policies: string[];
  tokenPolicies: string[];
  leaseDurationSeconds: number;
  renewable: boolean;
  entityId: string;
  metadata: Record<string, string> | null;
  tokenType?: string;
  orphan?: boolean;
}

/** The `wrap_info` block of a response-wrapped answer (Vault docs: Response wrapping). */
export interface WrapInfo {
  token: string;
  accessor: string;
  ttl: number;
  creationTime: string;
  creationPath: string;
  wrappedAccessor?: string;
}

type RawBody = Record<string, unknown> | undefined;

/** Decodes an envelope; `data` is kept raw because it is user data on generic paths. */
export function toVaultResponse<D = Record<string, unknown>>(
  body: RawBody,
): VaultResponse<D> {
  const b = body ?? {};
  const res: VaultResponse<D> = {
    requestId: String(b['request_id'] ?? ''),
    leaseId: String(b['lease_id'] ?? ''),
    renewable: Boolean(b['renewable']),
    leaseDurationSeconds: Number(b['lease_duration'] ?? 0),
    data: (b['data'] as D | undefined) ?? null,
    warnings: Array.isArray(b['warnings']) ? (b['warnings'] as string[]) : [],
  };
  if (b['auth']) res.auth = toAuthInfo(b['auth']);
  if (b['wrap_info']) res.wrapInfo = camelize<WrapInfo>(b['wrap_info']);
  if (typeof b['mount_type'] === 'string') res.mountType = b['mount_type'];
  return res;
}

/** Decodes an `auth` block. */
export function toAuthInfo(raw: unknown): VaultAuthInfo {
  const a = (raw ?? {}) as Record<string, unknown>;
  return {
    clientToken: String(a['client_token'] ?? ''),
    accessor: String(a['accessor'] ?? ''),
    policies: (a['policies'] as string[] | null) ?? [],
    tokenPolicies: (a['token_policies'] as string[] | null) ?? [],
    leaseDurationSeconds: Number(a['lease_duration'] ?? 0),
    renewable: Boolean(a['renewable']),
    entityId: String(a['entity_id'] ?? ''),
    metadata: (a['metadata'] as Record<string, string> | null) ?? null,
    tokenType: a['token_type'] as string | undefined,
    orphan: a['orphan'] as boolean | undefined,
  };
}
