# Attached to tenant userpass logins (phases 3-4): the token can do one thing — mint the
# tenant's identity JWT. Everything else (renew/lookup-self) comes from `default`.

path "identity/oidc/token/tenant" {
  capabilities = ["read"]
}
