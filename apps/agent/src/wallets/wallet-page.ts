import type { PageQuery, Wallet, WalletPage } from '@secret-flows/contracts';

/**
 * Builds an Identus `WalletPage` whose links point at the agent's /wallets (never at the wallet
 * service's internal /v1/tenants). The gateway strips `/cloud-agent`, so the agent cannot know its
 * public path: links are path-relative references (`wallets?offset=…`, RFC 3986 §4.2) that resolve
 * against the request URL to `/cloud-agent/wallets?…` behind the gateway and `/wallets?…` without it.
 */
export function walletPage(
  contents: Wallet[],
  page: PageQuery,
  hasNext: boolean,
): WalletPage {
  const link = (offset: number) =>
    `wallets?offset=${offset}&limit=${page.limit}`;
  const result: WalletPage = {
    contents,
    kind: 'WalletPage',
    self: link(page.offset),
    pageOf: 'wallets',
  };
  if (hasNext) result.next = link(page.offset + page.limit);
  if (page.offset > 0)
    result.previous = link(Math.max(0, page.offset - page.limit));
  return result;
}
