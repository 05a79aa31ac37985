# Attached by the JWT auth role `tenant` (phase 4): a token obtained by exchanging a tenant
# JWT reaches only that tenant's subtree. The tenant is the name of the token's alias on the
# jwt mount (= the JWT's tenant_id claim); the bootstrap replaces {{jwt_accessor}} with the
# jwt mount accessor, which exists only after the mount is enabled (reference §6, §12.9).
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
