/** The identity engine's own persisted state: OIDC issuer config, named keys and roles. */
import type { CoreServices } from '../../core/backend';
import type { NamedKey } from './oidc-keys';

export interface OidcRole {
  name: string;
  key: string;
  template: string;
  ttlS: number;
  clientId: string;
}

export interface OidcState {
  /** Configured issuer base ('' = the server's API address). */
  issuer: string;
  keys: Record<string, NamedKey>;
  roles: Record<string, OidcRole>;
}

export function loadOidcState(core: CoreServices): OidcState {
  return core.state<OidcState>(() => ({ issuer: '', keys: {}, roles: {} }));
}

/** `iss` of every identity token: `<issuer or api address>/v1/identity/oidc` (§7). */
export function issuerOf(core: CoreServices, state: OidcState): string {
  return `${(state.issuer || core.apiAddress()).replace(/\/+$/, '')}/v1/identity/oidc`;
}

/** Names of the roles that reference `keyName`. */
export function rolesUsingKey(state: OidcState, keyName: string): string[] {
  return Object.values(state.roles)
    .filter((r) => r.key === keyName)
    .map((r) => r.name)
    .sort();
}
