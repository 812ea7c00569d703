/**
 * URL notification filters at user and monetary-account level. A POST replaces the whole set
 * (so `{"notification_filters": []}` removes them all) and may name at most 2 callback URLs per
 * category (bunq's documented limit); filters remember the OAuth grant that wrote them; failed
 * deliveries are listed.
 */
import { z } from "zod";
import { badRequest } from "../errors.js";
import { respond, type ApiRequest, type ApiRoute, type Emulation } from "../router.js";
import type { EmulatorState, NotificationFilter } from "../state.js";
import { ownAccount, ownerId } from "./owner.js";

/** bunq's rate-limit table: "Callbacks: 2 callback URLs per notification category". */
export const MAX_URLS_PER_CATEGORY = 2;
export const TOO_MANY_URLS = `You can register at most ${MAX_URLS_PER_CATEGORY} callback URLs per notification category.`;

/** The first category that names more than 2 different targets in `filters`, if any. */
export function crowdedCategory(filters: readonly NotificationFilter[]): string | undefined {
  const targets = new Map<string, Set<string>>();
  for (const filter of filters) {
    const seen = targets.get(filter.category) ?? new Set<string>();
    seen.add(filter.target);
    targets.set(filter.category, seen);
  }
  return [...targets].find(([, seen]) => seen.size > MAX_URLS_PER_CATEGORY)?.[0];
}

/**
 * The new set a POST asks for. A filter that was already there (same category and target)
 * keeps the grant it had, so an app writing back the whole set neither takes over nor strips
 * another writer's filters; a new one belongs to the writing session's grant, if any.
 */
function replacementSet(
  current: readonly NotificationFilter[],
  wanted: readonly { category: string; notification_target: string }[],
  grantId: number | undefined,
): NotificationFilter[] {
  return wanted.map((f) => {
    const existing = current.find((c) => c.category === f.category && c.target === f.notification_target);
    const owner = existing ? existing.grantId : grantId;
    return {
      category: f.category,
      target: f.notification_target,
      ...(owner !== undefined ? { grantId: owner } : {}),
    };
  });
}

/** Removes every filter `grantId` wrote, in every scope; returns how many went. */
export function removeFiltersOfGrant(state: EmulatorState, grantId: number): number {
  let removed = 0;
  for (const [scope, filters] of state.filters) {
    const kept = filters.filter((f) => f.grantId !== grantId);
    removed += filters.length - kept.length;
    state.filters.set(scope, kept);
  }
  return removed;
}

const filterSet = z.object({
  notification_filters: z.array(
    z.object({
      category: z.string().min(1),
      notification_target: z.string().url(),
      notification_delivery_method: z.string().optional(),
    }),
  ),
});

function routesFor(path: string, scope: (request: ApiRequest, emulation: Emulation) => string): ApiRoute[] {
  return [
    {
      method: "GET",
      path,
      auth: "session",
      handle(request, emulation) {
        const filters = emulation.state.filters.get(scope(request, emulation)) ?? [];
        return respond({
          NotificationFilterUrl: {
            notification_filters: filters.map((f) => ({
              category: f.category,
              notification_target: f.target,
              notification_delivery_method: "URL",
            })),
          },
        });
      },
    },
    {
      method: "POST",
      path,
      auth: "session",
      handle(request, emulation) {
        const parsed = filterSet.safeParse(request.json);
        if (!parsed.success)
          throw badRequest(`Invalid or missing field "${parsed.error.issues[0]?.path.join(".")}".`);
        const { state } = emulation;
        const key = scope(request, emulation);
        const filters = replacementSet(
          state.filters.get(key) ?? [],
          parsed.data.notification_filters,
          request.session?.apiKeyUserId,
        );
        if (crowdedCategory(filters) !== undefined) throw badRequest(TOO_MANY_URLS);
        state.filters.set(key, filters);
        return respond({ Id: { id: state.nextId() } });
      },
    },
  ];
}

export const notificationFilterRoutes: ApiRoute[] = [
  ...routesFor("/user/:userId/notification-filter-url", (request) => `user:${ownerId(request)}`),
  ...routesFor(
    "/user/:userId/monetary-account/:accountId/notification-filter-url",
    (request, emulation) => `account:${ownAccount(request, emulation).id}`,
  ),
  {
    method: "GET",
    path: "/user/:userId/notification-filter-failure",
    auth: "session",
    handle(request, { state }) {
      const owner = ownerId(request);
      return respond(
        ...state.callbackFailures
          .filter((f) => f.userId === owner)
          .map((f) => ({
            NotificationFilterFailure: {
              category: f.category,
              event_type: f.eventType,
              object_id: f.objectId,
              exception_message: f.exceptionMessage,
              response_code: f.responseCode ?? 0,
            },
          })),
      );
    },
  },
];
