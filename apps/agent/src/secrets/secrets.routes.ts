import {
  AGENT_ROUTES,
  AppError,
  joinMultiSegmentParam,
  parseOrThrow,
  PutSecretRequestSchema,
  PutSecretResponseSchema,
  SecretNameListSchema,
  SecretListQuerySchema,
  SecretNameSchema,
  SecretSchema,
  SecretVersionQuerySchema,
  toExpressPath,
} from '@secret-flows/contracts';
import { Router, type Request } from 'express';
import type { SecretOperations } from '../backend/secret-backend';
import { sendValid } from '../http/respond';
import { tenantOf } from '../tenant/tenant-context';

// Names contain '/', so the route is a wildcard whose decoded segments are joined back; the
// contract schema then refuses '..', empty segments and anything outside [A-Za-z0-9._-].
function rawName(req: Request): string {
  return (
    joinMultiSegmentParam(req.params.name as string | string[] | undefined) ??
    ''
  );
}

/** For reads and deletes an impossible name is simply not found (no existence oracle). */
function existingName(req: Request): string {
  const parsed = SecretNameSchema.safeParse(rawName(req));
  if (!parsed.success) throw new AppError('not_found', 'No such secret.');
  return parsed.data;
}

/** PUT/GET/DELETE /secrets/{name} and GET /secrets (tenant routes). */
export function createSecretsRouter(deps: {
  secrets: SecretOperations;
}): Router {
  const { secrets } = deps;
  const router = Router();
  router.get(toExpressPath(AGENT_ROUTES.listSecrets), async (req, res) => {
    const query = parseOrThrow(
      SecretListQuerySchema,
      req.query,
      'limit must be an integer from 1 to 1000; cursor a value returned as next.',
    );
    sendValid(
      res,
      200,
      SecretNameListSchema,
      await secrets.list(tenantOf(res), query),
    );
  });
  router.put(toExpressPath(AGENT_ROUTES.putSecret), async (req, res) => {
    const name = parseOrThrow(
      SecretNameSchema,
      rawName(req),
      'The secret name is not valid.',
    );
    const body = parseOrThrow(PutSecretRequestSchema, req.body);
    sendValid(
      res,
      200,
      PutSecretResponseSchema,
      await secrets.put(tenantOf(res), name, body),
    );
  });
  router.get(toExpressPath(AGENT_ROUTES.getSecret), async (req, res) => {
    const name = existingName(req);
    const { version } = parseOrThrow(
      SecretVersionQuerySchema,
      req.query,
      'version must be a positive integer.',
    );
    sendValid(
      res,
      200,
      SecretSchema,
      await secrets.get(tenantOf(res), name, version),
    );
  });
  router.delete(toExpressPath(AGENT_ROUTES.deleteSecret), async (req, res) => {
    await secrets.delete(tenantOf(res), existingName(req));
    res.status(204).end();
  });
  return router;
}
