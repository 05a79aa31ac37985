/**
 * Vault's warning for request fields a path does not declare (sdk/framework/backend.go
 * HandleRequest): the unknown keys, sorted, formatted as a Go `%v` slice. Vault adds it only
 * to a non-nil response — a write that answers 204 carries no warning — and never to raw
 * responses (their body is sent as-is).
 */
import type { BackendResponse } from '../backend';

export function unknownFieldsWarning(
  data: Record<string, unknown>,
  known: readonly string[],
): string | undefined {
  const unknown = Object.keys(data)
    .filter((k) => !known.includes(k))
    .sort();
  return unknown.length === 0
    ? undefined
    : `Endpoint ignored these unrecognized parameters: [${unknown.join(' ')}]`;
}

/** True when Vault would render the response from a non-nil logical.Response. */
function isNonNil(res: BackendResponse): boolean {
  if (res.kind === 'raw') return false;
  if (res.kind === 'empty')
    return res.status !== undefined || (res.warnings ?? []).length > 0;
  return true;
}

/** Adds the warning to a non-nil response (after the handler's own warnings, as Vault does). */
export function withUnknownFieldsWarning(
  res: BackendResponse,
  data: Record<string, unknown>,
  known: readonly string[],
): BackendResponse {
  if (!isNonNil(res) || res.kind === 'raw') return res;
  const warning = unknownFieldsWarning(data, known);
  if (warning === undefined) return res;
  return { ...res, warnings: [...(res.warnings ?? []), warning] };
}
