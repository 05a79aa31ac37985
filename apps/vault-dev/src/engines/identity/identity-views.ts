/** Shared request and response shapes of the identity endpoints (Vault docs: Identity secrets engine API). */
import type { AliasRecord } from '../../core/backend';
import {
  badField,
  parseString,
  parseStringMap,
} from '../approle/field-parsers';

/** The alias as Vault's entity-alias read shows it. */
export function aliasView(a: AliasRecord): Record<string, unknown> {
  return {
    id: a.id,
    canonical_id: a.canonicalId,
    name: a.name,
    mount_accessor: a.mountAccessor,
    mount_path: a.mountPath,
    mount_type: a.mountType,
    metadata: a.metadata,
    custom_metadata: a.customMetadata,
    creation_time: a.creationTime,
    last_update_time: a.lastUpdateTime,
    local: false,
    merged_from_canonical_ids: null,
  };
}

/** Metadata may also come as the CLI's list of `k=v` strings. */
export function parseMetadata(
  value: unknown,
  field: string,
): Record<string, string> {
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((pair) => {
        const text = parseString(pair, field);
        const at = text.indexOf('=');
        if (at <= 0)
          badField(
            `error converting input for field "${field}": expected key=value pairs`,
          );
        return [text.slice(0, at), text.slice(at + 1)];
      }),
    );
  }
  return parseStringMap(value, field);
}
