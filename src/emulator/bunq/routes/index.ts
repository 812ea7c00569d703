/** Every bunq API route the emulator serves. */
import { compile, type CompiledRoute } from "../router.js";
import { accountRoutes } from "./accounts.js";
import { attachmentRoutes } from "./attachments.js";
import { contextRoutes } from "./context.js";
import { moneyRequestRoutes } from "./money-requests.js";
import { notificationFilterRoutes } from "./notification-filters.js";
import { paymentRoutes } from "./payments.js";
import { psd2Routes } from "./psd2.js";
import { sandboxRoutes } from "./sandbox.js";

export const ROUTES: CompiledRoute[] = [
  ...contextRoutes,
  ...accountRoutes,
  ...paymentRoutes,
  ...psd2Routes,
  ...moneyRequestRoutes,
  ...notificationFilterRoutes,
  ...attachmentRoutes,
  ...sandboxRoutes,
].map(compile);
