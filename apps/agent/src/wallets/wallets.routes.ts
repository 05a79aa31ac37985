import {
  AGENT_ROUTES,
  AppError,
  CreatedWalletSchema,
  CreateWalletRequestSchema,
  PageQuerySchema,
  parseOrThrow,
  WalletIdSchema,
  WalletPageSchema,
  WalletSchema,
  toExpressPath,
  type Wallet,
} from '@secret-flows/contracts';
import { Router, type Request } from 'express';
import type { TenantOperations } from '../backend/secret-backend';
import { requestIdOf } from '@secret-flows/telemetry';
import { sendValid } from '../http/respond';
import { walletPage } from './wallet-page';

/** Identus's `WalletId.default`: the one wallet of single tenancy (tenant `default`). */
export const DEFAULT_WALLET_ID = '00000000-0000-0000-0000-000000000000';

/** The admin guard (x-admin-api-key) is mounted in front of this router by app.ts. */
export interface WalletsRoutesDeps {
  /** Phase 4 (AGENT_TENANCY=multi): tenant lifecycle executed by the wallet. Absent in single tenancy. */
  tenants?: TenantOperations;
  /** When the single-tenancy default wallet came into being (the agent's start). */
  defaultWalletCreatedAt: Date;
}

function walletIdOf(req: Request): string {
  const parsed = WalletIdSchema.safeParse(req.params.id);
  if (!parsed.success) throw new AppError('not_found', 'No such wallet.');
  return parsed.data;
}

/** /wallets: admin only; phase 4 forwards to the wallet's tenant API, otherwise one `default` wallet. */
export function createWalletsRouter(deps: WalletsRoutesDeps): Router {
  const router = Router();
  if (deps.tenants) mountMultiTenancy(router, deps.tenants);
  else mountSingleTenancy(router, deps.defaultWalletCreatedAt);
  return router;
}

function mountMultiTenancy(router: Router, tenants: TenantOperations): void {
  router.post(toExpressPath(AGENT_ROUTES.createWallet), async (req, res) => {
    const body = parseOrThrow(CreateWalletRequestSchema, req.body);
    sendValid(
      res,
      201,
      CreatedWalletSchema,
      await tenants.create({ requestId: requestIdOf(res) }, body),
    );
  });
  router.get(toExpressPath(AGENT_ROUTES.listWallets), async (req, res) => {
    const page = parseOrThrow(
      PageQuerySchema,
      req.query,
      'offset and limit must be integers in range.',
    );
    const upstream = await tenants.list({ requestId: requestIdOf(res) }, page);
    sendValid(
      res,
      200,
      WalletPageSchema,
      walletPage(upstream.contents, page, upstream.next !== undefined),
    );
  });
  router.get(toExpressPath(AGENT_ROUTES.getWallet), async (req, res) => {
    sendValid(
      res,
      200,
      WalletSchema,
      await tenants.get({ requestId: requestIdOf(res) }, walletIdOf(req)),
    );
  });
  router.delete(toExpressPath(AGENT_ROUTES.deleteWallet), async (req, res) => {
    await tenants.delete({ requestId: requestIdOf(res) }, walletIdOf(req));
    res.status(204).end();
  });
}

// Single tenancy (phases 1-3) has exactly one wallet and no provisioning. Creating or deleting
// answers 404 "not available" rather than 405: the problem-code union has no method_not_allowed,
// and to a client the phase-4 tenant lifecycle simply does not exist here (ADR in the agent README).
function mountSingleTenancy(router: Router, createdAt: Date): void {
  const wallet: Wallet = {
    id: DEFAULT_WALLET_ID,
    name: 'default',
    createdAt: createdAt.toISOString(),
    updatedAt: createdAt.toISOString(),
  };
  const unavailable = () => {
    throw new AppError(
      'not_found',
      'Tenant provisioning needs AGENT_TENANCY=multi (phase 4).',
    );
  };
  router.post(toExpressPath(AGENT_ROUTES.createWallet), unavailable);
  router.delete(toExpressPath(AGENT_ROUTES.deleteWallet), unavailable);
  router.get(toExpressPath(AGENT_ROUTES.listWallets), (req, res) => {
    const page = parseOrThrow(
      PageQuerySchema,
      req.query,
      'offset and limit must be integers in range.',
    );
    const contents = page.offset === 0 ? [wallet] : [];
    sendValid(res, 200, WalletPageSchema, walletPage(contents, page, false));
  });
  router.get(toExpressPath(AGENT_ROUTES.getWallet), (req, res) => {
    if (walletIdOf(req) !== DEFAULT_WALLET_ID)
      throw new AppError('not_found', 'No such wallet.');
    sendValid(res, 200, WalletSchema, wallet);
  });
}
