# Vault policy of the AppRole issuer Job's token (the Secret vault-approle-issuer-token):
# read the wallet role's role_id and create secret_ids for it, nothing else. Response wrapping
# needs no extra capability. Write it once with an operator token:
#   vault policy write approle-issuer deploy/k8s/components/approle-issuer/approle-issuer.hcl
#   vault token create -policy=approle-issuer -orphan -period=168h   (renewed at each Job run)
path "auth/approle/role/wallet/role-id" {
  capabilities = ["read"]
}

path "auth/approle/role/wallet/secret-id" {
  capabilities = ["create", "update"]
}
