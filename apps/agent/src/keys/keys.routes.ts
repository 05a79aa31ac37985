import {
  AGENT_ROUTES,
  AppError,
  CreateKeyRequestSchema,
  KeyIdSchema,
  KeyListSchema,
  KeySchema,
  parseOrThrow,
  SignRequestSchema,
  SignResponseSchema,
  toExpressPath,
} from '@secret-flows/contracts';
import { Router, type Request } from 'express';
import type { KeyOperations } from '../backend/secret-backend';
import { sendValid } from '../http/respond';
import { tenantOf } from '../tenant/tenant-context';

// A key id that is not a UUID cannot name any key: 404, the same answer as for another tenant's
// key, so path tricks learn nothing.
function keyIdOf(req: Request): string {
  const parsed = KeyIdSchema.safeParse(req.params.id);
  if (!parsed.success) throw new AppError('not_found', 'No such key.');
  return parsed.data;
}

/** POST/GET /keys, GET/DELETE /keys/{id}, POST /keys/{id}/sign, POST /keys/{id}/rotate (tenant routes). */
export function createKeysRouter(deps: { keys: KeyOperations }): Router {
  const { keys } = deps;
  const router = Router();
  router.post(toExpressPath(AGENT_ROUTES.createKey), async (req, res) => {
    const body = parseOrThrow(CreateKeyRequestSchema, req.body);
    sendValid(res, 201, KeySchema, await keys.create(tenantOf(res), body));
  });
  router.get(toExpressPath(AGENT_ROUTES.listKeys), async (_req, res) => {
    sendValid(res, 200, KeyListSchema, await keys.list(tenantOf(res)));
  });
  router.get(toExpressPath(AGENT_ROUTES.getKey), async (req, res) => {
    sendValid(res, 200, KeySchema, await keys.get(tenantOf(res), keyIdOf(req)));
  });
  router.delete(toExpressPath(AGENT_ROUTES.deleteKey), async (req, res) => {
    await keys.delete(tenantOf(res), keyIdOf(req));
    res.status(204).end();
  });
  router.post(toExpressPath(AGENT_ROUTES.signWithKey), async (req, res) => {
    const id = keyIdOf(req);
    const body = parseOrThrow(SignRequestSchema, req.body);
    sendValid(
      res,
      200,
      SignResponseSchema,
      await keys.sign(tenantOf(res), id, body),
    );
  });
  router.post(toExpressPath(AGENT_ROUTES.rotateKey), async (req, res) => {
    sendValid(
      res,
      200,
      KeySchema,
      await keys.rotate(tenantOf(res), keyIdOf(req)),
    );
  });
  return router;
}
