# Attached by the JWT auth role `tenant` (phase 4): a token obtained by exchanging a tenant
# JWT reaches only that tenant's subtree. The tenant is the name of the token's alias on the
# jwt mount (= the JWT's tenant_id claim); the bootstrap replaces {{jwt_accessor}} with the
# jwt mount accessor, which exists only after the mount is enabled (Vault docs: ACL templated policies).
# A template that cannot resolve drops the rule, so a token without that alias gets nothing.

path "secret/data/tenants/{{identity.entity.aliases.{{jwt_accessor}}.name}}/*" {
  capabilities = ["create", "read", "update", "patch", "delete"]
}

path "secret/metadata/tenants/{{identity.entity.aliases.{{jwt_accessor}}.name}}/*" {
  capabilities = ["read", "list", "delete"]
}

path "secret/metadata/tenants/{{identity.entity.aliases.{{jwt_accessor}}.name}}" {
  capabilities = ["list"]
}

path "secret/delete/tenants/{{identity.entity.aliases.{{jwt_accessor}}.name}}/*" {
  capabilities = ["update"]
}

path "secret/undelete/tenants/{{identity.entity.aliases.{{jwt_accessor}}.name}}/*" {
  capabilities = ["update"]
}

path "secret/destroy/tenants/{{identity.entity.aliases.{{jwt_accessor}}.name}}/*" {
  capabilities = ["update"]
}

# vault-transit keys (docs/adr/0015-key-custody-modes.md): Transit keys named
# tenant-<tenant>__<key id>. A policy glob is a plain prefix, so the `__` after the tenant id is
# what keeps tenant `acme` off tenant `acme-corp`'s keys (the wallet gives Transit keys only to
# tenant ids without `__` and not ending in `_`). Keys are created, read and rotated (update on
# .../rotate) with the tenant's own token; allowed_parameters admits only the key type on those
# writes, so `exportable`, `allow_plaintext_backup` and `deletion_allowed` (on .../config) are
# refused. No delete: only the provisioner deletes Transit keys.
path "transit/keys/tenant-{{identity.entity.aliases.{{jwt_accessor}}.name}}__*" {
  capabilities = ["create", "read", "update"]
  allowed_parameters = {
    "type" = ["ed25519", "ecdsa-p256"]
  }
}

path "transit/sign/tenant-{{identity.entity.aliases.{{jwt_accessor}}.name}}__*" {
  capabilities = ["update"]
}

path "transit/verify/tenant-{{identity.entity.aliases.{{jwt_accessor}}.name}}__*" {
  capabilities = ["update"]
}
