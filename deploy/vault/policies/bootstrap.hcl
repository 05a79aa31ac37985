# The bootstrap Job's own token (Kubernetes): exactly what `secret-flows bootstrap` writes,
# so the Job never needs the root token. Create it once with a root/operator token:
#   vault policy write bootstrap deploy/vault/policies/bootstrap.hcl
#   vault token create -policy=bootstrap -ttl=15m

# Mounts and auth methods (enabling auth methods is root-protected, hence sudo).
path "sys/mounts" {
  capabilities = ["read"]
}

path "sys/mounts/secret" {
  capabilities = ["create", "update", "read"]
}

path "sys/mounts/transit" {
  capabilities = ["create", "update", "read"]
}

path "sys/auth" {
  capabilities = ["read"]
}

path "sys/auth/approle" {
  capabilities = ["create", "update", "read", "sudo"]
}

path "sys/auth/userpass" {
  capabilities = ["create", "update", "read", "sudo"]
}

# The tenant login mount's user lockout setting (tune is root-protected, hence sudo).
path "sys/auth/userpass/tune" {
  capabilities = ["read", "update", "sudo"]
}

path "sys/auth/jwt" {
  capabilities = ["create", "update", "read", "sudo"]
}

# The Secret Flows policies, and nothing else.
path "sys/policies/acl/agent" {
  capabilities = ["create", "read", "update"]
}

path "sys/policies/acl/wallet" {
  capabilities = ["create", "read", "update"]
}

path "sys/policies/acl/wallet-provisioner" {
  capabilities = ["create", "read", "update"]
}

path "sys/policies/acl/tenant-login" {
  capabilities = ["create", "read", "update"]
}

path "sys/policies/acl/tenant-data" {
  capabilities = ["create", "read", "update"]
}

# AppRole roles and their credentials.
path "auth/approle/role/agent" {
  capabilities = ["create", "read", "update"]
}

path "auth/approle/role/wallet" {
  capabilities = ["create", "read", "update"]
}

path "auth/approle/role/+/role-id" {
  capabilities = ["read"]
}

path "auth/approle/role/+/secret-id" {
  capabilities = ["create", "update"]
}

path "auth/approle/role/+/secret-id/lookup" {
  capabilities = ["update"]
}

# Identity tokens and the JWT method that trusts them.
path "identity/oidc/key/tenant" {
  capabilities = ["create", "read", "update"]
}

path "identity/oidc/role/tenant" {
  capabilities = ["create", "read", "update"]
}

path "auth/jwt/config" {
  capabilities = ["create", "read", "update"]
}

path "auth/jwt/role/tenant" {
  capabilities = ["create", "read", "update"]
}

# Checking wrapped secret_ids left in --out-dir by a previous run.
path "sys/wrapping/lookup" {
  capabilities = ["update"]
}
