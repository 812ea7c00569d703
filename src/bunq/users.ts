/**
 * bunq's user objects are polymorphic (`{"UserPerson": {...}}`, `{"UserApiKey": {...}}`, …).
 * We keep what the bot needs and, for OAuth sessions, both sides of the UserApiKey: its own id
 * (which goes into URLs) and the granting user (whose items we see).
 */
import { z } from "zod";

const userCore = z.object({
  id: z.number().int(),
  display_name: z.string().optional(),
  public_nick_name: z.string().optional(),
  session_timeout: z.number().int().positive().optional(),
});

const userPerson = z.object({ UserPerson: userCore });
const userCompany = z.object({ UserCompany: userCore });
const userPsp = z.object({ UserPaymentServiceProvider: userCore });
const anchoredUser = z.union([userPerson, userCompany, userPsp]);

const userApiKey = z.object({
  UserApiKey: z.object({
    id: z.number().int(),
    requested_by_user: anchoredUser,
    granted_by_user: anchoredUser,
  }),
});

export const anyUser = z.union([userPerson, userCompany, userPsp, userApiKey]);
export type AnyUser = z.infer<typeof anyUser>;

export type UserKind = "person" | "company" | "payment_service_provider" | "api_key";

export interface BunqUser {
  readonly kind: UserKind;
  /** The id that goes into URLs (for OAuth: the UserApiKey's id). */
  readonly id: number;
  readonly displayName: string;
  /** Session lifetime in seconds, as bunq will apply it to this session. */
  readonly sessionTimeoutSeconds?: number;
  /** For OAuth sessions: the user who granted access, whose accounts we see. */
  readonly grantedBy?: { readonly id: number; readonly displayName: string };
}

function core(user: z.infer<typeof anchoredUser>) {
  const inner =
    "UserPerson" in user
      ? user.UserPerson
      : "UserCompany" in user
        ? user.UserCompany
        : user.UserPaymentServiceProvider;
  return { ...inner, name: inner.display_name ?? inner.public_nick_name ?? `bunq user ${inner.id}` };
}

export function normalizeUser(user: AnyUser): BunqUser {
  if ("UserApiKey" in user) {
    const requestedBy = core(user.UserApiKey.requested_by_user);
    const grantedBy = core(user.UserApiKey.granted_by_user);
    return {
      kind: "api_key",
      id: user.UserApiKey.id,
      displayName: grantedBy.name,
      // The docs: an OAuth session lives as long as the *requesting* user's auto-logout.
      sessionTimeoutSeconds: requestedBy.session_timeout,
      grantedBy: { id: grantedBy.id, displayName: grantedBy.name },
    };
  }
  const kind: UserKind =
    "UserPerson" in user ? "person" : "UserCompany" in user ? "company" : "payment_service_provider";
  const inner = core(user);
  return { kind, id: inner.id, displayName: inner.name, sessionTimeoutSeconds: inner.session_timeout };
}
