/** `/user/:userId/monetary-account` and `/user/{userID}/monetary-account` both become `/user/{}/monetary-account`. */
export function normalizeEndpoint(path: string): string {
  return path.replace(/:\w+|\{[^}]+\}/g, "{}");
}
