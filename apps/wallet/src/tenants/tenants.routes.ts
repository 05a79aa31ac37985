import {
  Router,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import {
  AppError,
  CreateWalletRequestSchema,
  PageQuerySchema,
  parseOrThrow,
  SERVICE_TOKEN_HEADER,
  toExpressPath,
  WalletIdParamsSchema,
  WALLET_ROUTES,
  type PageQuery,
  type WalletPage,
} from '@secret-flows/contracts';
import type { ServiceTokenVerifier } from '@secret-flows/auth';
import { requestIdOf } from '@secret-flows/telemetry';
import type { Audit } from '../audit/audit';
import type { TenantDirectory } from './tenant-directory';

/** The scope the agent puts in its service token only after checking the admin key. */
export const TENANTS_ADMIN_SCOPE = 'tenants:admin';

const R = WALLET_ROUTES;

/**
 * Refuses a service token without `tenants:admin` with 403: an ordinary tenant call forwarded by
 * the agent can never reach tenant administration. Runs after requireServiceToken.
 */
export function requireAdminScope(
  verifier: Pick<ServiceTokenVerifier, 'verify'>,
): RequestHandler {
  return (req, _res, next) => {
    const claims = verifier.verify(req.get(SERVICE_TOKEN_HEADER));
    if (!claims.scopes.includes(TENANTS_ADMIN_SCOPE)) {
      next(
        new AppError(
          'forbidden',
          'This service token may not administer tenants.',
        ),
      );
      return;
    }
    next();
  };
}

/**
 * `/v1/tenants`: the tenant lifecycle the agent forwards from its `/wallets` admin API (phase 4).
 * @example app.use('/v1/tenants', adminGate); app.use(createTenantsRouter({ tenants, audit }))
 */
export function createTenantsRouter(deps: {
  tenants: TenantDirectory;
  audit: Audit;
}): Router {
  const router = Router();
  const { tenants } = deps;
  const audited = (
    operation: string,
    handler: (req: Request, res: Response) => Promise<{ tenantId: string }>,
  ) =>
    (async (req: Request, res: Response) => {
      const requestId = requestIdOf(res);
      // The tenant an admin call is about; unknown until a create has chosen its id.
      let tenantId =
        typeof req.params['id'] === 'string' ? req.params['id'] : '-';
      try {
        tenantId = (await handler(req, res)).tenantId;
        deps.audit.record({ tenantId, operation, requestId }, 'ok');
      } catch (error) {
        deps.audit.record({ tenantId, operation, requestId }, { error });
        throw error;
      }
    }) as RequestHandler;

  router.post(
    toExpressPath(R.createWallet),
    audited(R.createWallet.operationId, async (req, res) => {
      const created = await tenants.create(
        parseOrThrow(CreateWalletRequestSchema, req.body ?? {}),
      );
      res.setHeader('Cache-Control', 'no-store');
      res.status(201).json(created);
      return { tenantId: created.id };
    }),
  );

  router.get(
    toExpressPath(R.listWallets),
    audited(R.listWallets.operationId, async (req, res) => {
      const page = parseOrThrow(
        PageQuerySchema,
        req.query,
        'offset and limit must be integers in range.',
      );
      const { contents, hasNext } = await tenants.list(page);
      res.setHeader('Cache-Control', 'no-store');
      res.status(200).json(pageOf(contents, page, hasNext));
      return { tenantId: '*' };
    }),
  );

  router.get(
    toExpressPath(R.getWallet),
    audited(R.getWallet.operationId, async (req, res) => {
      const { id } = parseId(req);
      res.setHeader('Cache-Control', 'no-store');
      res.status(200).json(await tenants.get(id));
      return { tenantId: id };
    }),
  );

  router.delete(
    toExpressPath(R.deleteWallet),
    audited(R.deleteWallet.operationId, async (req, res) => {
      const { id } = parseId(req);
      await tenants.delete(id);
      res.status(204).end();
      return { tenantId: id };
    }),
  );

  return router;
}

// An id that is not a UUID names no tenant: 404 like the agent, without echoing the input.
function parseId(req: Request): { id: string } {
  const parsed = WalletIdParamsSchema.safeParse(req.params);
  if (!parsed.success) throw new AppError('not_found', 'No such wallet.');
  return { id: parsed.data.id.toLowerCase() };
}

/** Identus `WalletDetailPage` with links to this API's own pages. */
function pageOf(
  contents: WalletPage['contents'],
  page: PageQuery,
  hasNext: boolean,
): WalletPage {
  const base = `${R.listWallets.path}`;
  const link = (offset: number) =>
    `${base}?offset=${offset}&limit=${page.limit}`;
  const result: WalletPage = {
    contents,
    kind: 'WalletPage',
    self: link(page.offset),
    pageOf: base,
  };
  if (hasNext) result.next = link(page.offset + page.limit);
  if (page.offset > 0)
    result.previous = link(Math.max(0, page.offset - page.limit));
  return result;
}
