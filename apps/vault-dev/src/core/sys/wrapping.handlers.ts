/**
 * sys/wrapping/{wrap,unwrap,lookup,rewrap} (Vault docs: Response wrapping).
 */
import {
  VaultError,
  type BackendRequest,
  type BackendResponse,
} from '../backend';
import type { CoreInternals } from '../core-internals';
import { rfc3339 } from '../util/time-format';

/** sys/wrapping/wrap without X-Vault-Wrap-TTL uses Vault's default of five minutes. */
const DEFAULT_WRAP_TTL_SECONDS = 300;

function tokenParam(req: BackendRequest): string {
  const fromBody = req.data['token'];
  if (typeof fromBody === 'string' && fromBody !== '') return fromBody;
  if (req.caller) return req.caller.id;
  throw new VaultError(400, ['wrapping token is not valid or does not exist']);
}

export function handleWrapping(
  core: CoreInternals,
  req: BackendRequest,
  action: string,
): BackendResponse {
  if (
    req.operation !== 'update' &&
    req.operation !== 'create' &&
    !(action === 'lookup' && req.operation === 'read')
  ) {
    throw new VaultError(405, [
      '1 error occurred:\n\t* unsupported operation\n\n',
    ]);
  }
  switch (action) {
    case 'unwrap':
      return {
        kind: 'raw',
        status: 200,
        body: core.wrapping.unwrap(tokenParam(req)),
      };
    case 'lookup': {
      const token = req.data['token'];
      if (typeof token !== 'string' || token === '')
        throw new VaultError(400, ['missing "token" parameter']);
      const record = core.wrapping.lookup(token);
      return {
        kind: 'data',
        data: {
          creation_path: record.creationPath,
          creation_time: rfc3339(record.creationMs),
          creation_ttl: record.ttlSeconds,
        },
      };
    }
    case 'rewrap': {
      const wrapInfo = core.wrapping.rewrap(tokenParam(req));
      return {
        kind: 'raw',
        status: 200,
        body: {
          request_id: '',
          lease_id: '',
          renewable: false,
          lease_duration: 0,
          data: null,
          wrap_info: wrapInfo,
          warnings: null,
          auth: null,
        },
      };
    }
    case 'wrap': {
      if (req.wrapTtlSeconds > 0) return { kind: 'data', data: req.data };
      // Without the header the core would not wrap; wrap here with the default TTL.
      const body = {
        request_id: '',
        lease_id: '',
        renewable: false,
        lease_duration: 0,
        data: req.data,
        wrap_info: null,
        warnings: null,
        auth: null,
      };
      const wrapInfo = core.wrapping.wrap(
        body,
        'sys/wrapping/wrap',
        DEFAULT_WRAP_TTL_SECONDS,
      );
      return {
        kind: 'raw',
        status: 200,
        body: { ...body, data: null, wrap_info: wrapInfo },
      };
    }
    default:
      throw new VaultError(404, [
        '1 error occurred:\n\t* unsupported path\n\n',
      ]);
  }
}
