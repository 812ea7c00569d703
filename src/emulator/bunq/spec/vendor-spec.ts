/**
 * Writes `bunq-openapi.trimmed.json`: the operations the emulator serves and every schema they
 * reference, without the prose. Source: bunq/doc swagger.json, release 1.27.17.56, MIT.
 *
 *   npx tsx src/emulator/bunq/spec/vendor-spec.ts [path/to/bunq-openapi.json]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ROUTES } from "../routes/index.js";
import { normalizeEndpoint } from "./endpoints.js";

interface OpenApi {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
}

const source =
  process.argv[2] ?? fileURLToPath(new URL("../../../../../shared/specs/bunq-openapi.json", import.meta.url));
const target = fileURLToPath(new URL("./bunq-openapi.trimmed.json", import.meta.url));
const spec = JSON.parse(readFileSync(source, "utf8")) as OpenApi;

const served = new Set(
  ROUTES.map((route) => `${route.method.toLowerCase()} ${normalizeEndpoint(route.path)}`),
);
const paths: OpenApi["paths"] = {};
for (const [path, operations] of Object.entries(spec.paths)) {
  for (const [method, operation] of Object.entries(operations)) {
    if (!served.has(`${method} ${normalizeEndpoint(path)}`)) continue;
    paths[path] ??= {};
    paths[path][method] = operation;
  }
}

const schemas: Record<string, unknown> = {};
const pending = [JSON.stringify(paths)];
while (pending.length > 0) {
  for (const match of pending.pop()!.matchAll(/#\/components\/schemas\/([\w-]+)/g)) {
    const name = match[1]!;
    if (name in schemas) continue;
    schemas[name] = spec.components.schemas[name];
    pending.push(JSON.stringify(schemas[name]));
  }
}

const trimmed = {
  "x-source":
    "bunq/doc swagger.json, release 1.27.17.56 (2025-04-17), MIT licence (bunq b.v.); trimmed by vendor-spec.ts",
  paths,
  components: { schemas },
};
writeFileSync(target, `${JSON.stringify(trimmed, null, 1)}\n`);
console.log(
  `wrote ${Object.keys(paths).length} paths and ${Object.keys(schemas).length} schemas to ${target}`,
);
