# Phase 3: the wallet's AppRole token. The wallet is the only Vault credential holder and
# serves the tenant(s) it verifies from the tenant JWT, so it needs all tenant data.
# Nothing else: token self-management (lookup/renew/revoke-self) comes from `default`.

path "secret/data/tenants/*" {
  capabilities = ["create", "read", "update", "patch", "delete"]
}

path "secret/metadata/tenants/*" {
  capabilities = ["read", "list", "delete"]
}

path "secret/metadata/tenants" {
  capabilities = ["list"]
}

path "secret/delete/tenants/*" {
  capabilities = ["update"]
}

path "secret/undelete/tenants/*" {
  capabilities = ["update"]
}

path "secret/destroy/tenants/*" {
  capabilities = ["update"]
}
