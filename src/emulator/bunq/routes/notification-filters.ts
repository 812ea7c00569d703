/**
 * URL notification filters at user and monetary-account level. A POST replaces the whole set
 * (so `{"notification_filters": []}` removes them all); failed deliveries are listed.
 */
import { z } from "zod";
import { badRequest } from "../errors.js";
import { respond, type ApiRequest, type ApiRoute, type Emulation } from "../router.js";
import { ownAccount, ownerId } from "./owner.js";

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
        emulation.state.filters.set(
          scope(request, emulation),
          parsed.data.notification_filters.map((f) => ({
            category: f.category,
            target: f.notification_target,
          })),
        );
        return respond({ Id: { id: emulation.state.nextId() } });
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
