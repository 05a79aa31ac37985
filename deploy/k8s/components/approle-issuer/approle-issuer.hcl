# Vault policy of the AppRole issuer Job's token (the Secret vault-approle-issuer-token):
# read the wallet role's role_id, create secret_ids for it and retire old ones, nothing else. Response wrapping
# needs no extra capability. Write it once with an operator token:
#   vault policy write approle-issuer deploy/k8s/components/approle-issuer/approle-issuer.hcl
#   vault token create -policy=approle-issuer -orphan -period=168h   (renewed at each run)
path "auth/approle/role/wallet/role-id" {
  capabilities = ["read"]
}

# The rotation CronJob (rotation-cronjob.yaml) lists the role's secret_id accessors, looks up
# when each was created and destroys all but the two newest. Accessors only: it never sees an
# old secret_id itself.
path "auth/approle/role/wallet/secret-id" {
  capabilities = ["create", "update", "list"]
}

path "auth/approle/role/wallet/secret-id-accessor/lookup" {
  capabilities = ["update"]
}

path "auth/approle/role/wallet/secret-id-accessor/destroy" {
  capabilities = ["update"]
}
