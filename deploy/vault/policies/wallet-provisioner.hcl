# Phase 4: the wallet's AppRole token provisions tenants and has NO access to tenant data
# (docs/architecture.md): tenant data is read and written only with the tenant's own token from
# auth/jwt/login, confined by `tenant-data`. See docs/adr/0003-phase-4-vault-policies.md.

# Entities and aliases of tenants. `policies` is denied so the provisioner cannot attach a
# stronger policy to an entity it creates.
path "identity/entity" {
  capabilities = ["create", "update"]
  denied_parameters = {
    "policies" = []
  }
}

path "identity/entity/id/*" {
  capabilities = ["create", "read", "update", "delete"]
  denied_parameters = {
    "policies" = []
  }
}

path "identity/entity/name/*" {
  capabilities = ["read"]
}

path "identity/entity/id" {
  capabilities = ["list"]
}

path "identity/entity/name" {
  capabilities = ["list"]
}

# The same LIST (`identity/entity/name/`, how tenants are enumerated) as an exact rule: Vault
# prefers an exact rule without the slash, but a server that lets the `name/*` read rule above
# match first would refuse the list; this rule is exact in both readings and grants nothing more.
path "identity/entity/name/" {
  capabilities = ["list"]
}

path "identity/entity-alias" {
  capabilities = ["create", "update"]
}

path "identity/entity-alias/id/*" {
  capabilities = ["read", "update", "delete"]
}

path "identity/lookup/entity" {
  capabilities = ["update"]
}

# Tenant logins. Users may only get the `tenant-login` policy, never anything stronger.
path "auth/userpass/users/*" {
  capabilities = ["create", "read", "update", "delete"]
  allowed_parameters = {
    "password"       = []
    "token_policies" = ["tenant-login"]
    "token_ttl"      = []
    "token_max_ttl"  = []
  }
}

path "auth/userpass/users" {
  capabilities = ["list"]
}

# Mount accessors, to create aliases on the userpass and jwt mounts.
path "sys/auth" {
  capabilities = ["read"]
}

# Destroying a deleted tenant's data: delete metadata (all versions) and list to find it.
# No read, create or update: the provisioner can erase a tenant but never read one.
path "secret/metadata/tenants/*" {
  capabilities = ["list", "delete"]
}

path "secret/metadata/tenants" {
  capabilities = ["list"]
}

# Offboarding and key deletion for vault-transit keys (docs/adr/0015-key-custody-modes.md):
# list the mount, set deletion_allowed (and nothing else: no exportable, no plaintext backup)
# on a tenant key, then delete it. No create, read, sign or rotate: the provisioner can erase
# a tenant's Transit keys but never use one.
path "transit/keys" {
  capabilities = ["list"]
}

path "transit/keys/" {
  capabilities = ["list"]
}

path "transit/keys/+/config" {
  capabilities = ["update"]
  allowed_parameters = {
    "deletion_allowed" = [true]
  }
}

path "transit/keys/+" {
  capabilities = ["delete"]
}

# Claim records (docs/adr/0016-tenant-claims-across-replicas.md): wallet replicas win a tenant id
# with a KV check-and-set write here before any login is handed out. Read (the version to CAS
# against), create (`cas: 0`) and update (`cas: <version>`); no delete, list, patch or metadata,
# and nothing under `tenants/`, which stays unreadable to the provisioner.
path "secret/data/tenant-claims/*" {
  capabilities = ["create", "read", "update"]
}
