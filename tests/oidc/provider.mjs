// A real OpenID Connect provider (the certified oidc-provider package) for the SSO tests.
// PORT and CLIENTS (JSON: [{client_id, client_secret, redirect_uris}]) come from the test.
// Its development sign-in form accepts any login: the login typed is the account's email.
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const clients = JSON.parse(process.env.CLIENTS);
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: clients.map((client) => ({
    ...client,
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_basic",
  })),
  pkce: { required: () => true },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  findAccount: async (ctx, id) => ({
    accountId: id,
    async claims() {
      return { sub: id, email: id, email_verified: !id.startsWith("unverified"), name: id };
    },
  }),
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["test-only-cookie-key"] },
});
provider.listen(port, "127.0.0.1", () => console.log("oidc-provider ready"));
