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

# vault-transit keys of every tenant (docs/adr/0015-key-custody-modes.md), named
# tenant-<tenant>__<key id>: create (Ed25519 / P-256 only: allowed_parameters refuses
# `exportable` and `allow_plaintext_backup`), read public keys, rotate, sign, verify, and
# delete after setting deletion_allowed — the only config parameter admitted.
path "transit/keys/tenant-*" {
  capabilities = ["create", "read", "update", "delete"]
  allowed_parameters = {
    "type"             = ["ed25519", "ecdsa-p256"]
    "deletion_allowed" = [true]
  }
}

path "transit/sign/tenant-*" {
  capabilities = ["update"]
}

path "transit/verify/tenant-*" {
  capabilities = ["update"]
}

path "transit/keys" {
  capabilities = ["list"]
}

path "transit/keys/" {
  capabilities = ["list"]
}
