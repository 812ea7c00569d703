/**
 * `POST sandbox-user-person`: a new sandbox user with a funded bank account and an API key,
 * no authentication needed (as the docs' curl example shows).
 */
import { createUser } from "../control.js";
import { respond, type ApiRoute } from "../router.js";

export const sandboxRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/sandbox-user-person",
    auth: "none",
    handle(_request, { state }) {
      const user = createUser(state, {
        display_name: "Sandbox Person",
        accounts: [{ type: "bank", balance: "500.00" }],
      });
      // The spec's create schema only names Id; the key itself comes back as ApiKey, as bunq's SDKs read it.
      return respond({ Id: { id: user.user_id } }, { ApiKey: { api_key: user.api_key } });
    },
  },
];
