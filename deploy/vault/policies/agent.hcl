# Phase 2: the agent's own AppRole token. Tenant data of the single tenant `default`
# only (docs/architecture.md: phases 1-2 use tenant `default`, so phase 3/4 needs no migration).
# KV v2 ACLs see API paths: data/ for values, metadata/ for list and destroy (Vault docs: KV v2 ACL rules).

path "secret/data/tenants/default/*" {
  capabilities = ["create", "read", "update", "patch", "delete"]
}

path "secret/metadata/tenants/default/*" {
  capabilities = ["read", "list", "delete"]
}

# Listing the tenant root itself (`LIST secret/metadata/tenants/default/`).
path "secret/metadata/tenants/default" {
  capabilities = ["list"]
}

path "secret/delete/tenants/default/*" {
  capabilities = ["update"]
}

path "secret/undelete/tenants/default/*" {
  capabilities = ["update"]
}

path "secret/destroy/tenants/default/*" {
  capabilities = ["update"]
}
