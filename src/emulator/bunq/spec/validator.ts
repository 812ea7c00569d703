/**
 * Checks request bodies and served responses against bunq's OpenAPI (the vendored copy).
 *
 * bunq's wire format wraps objects (`{"Response":[{"Payment":{…}}]}`) while most operation
 * schemas describe the inner object; a few (monetary-account listings, installation) describe
 * the wrapper. So each Response element is checked as a whole when the schema names its
 * wrapper key, and by its inner object otherwise — the reading the prose docs support.
 */
import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import { normalizeEndpoint } from "./endpoints.js";

interface Operation {
  requestBody?: { content?: Record<string, { schema?: SchemaRef }> };
  responses?: Record<string, { content?: Record<string, { schema?: SchemaRef }> }>;
}
interface SchemaRef {
  $ref?: string;
  type?: string;
  items?: SchemaRef;
}
interface TrimmedSpec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

const spec = JSON.parse(
  readFileSync(new URL("./bunq-openapi.trimmed.json", import.meta.url), "utf8"),
) as TrimmedSpec;

const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
ajv.addSchema({ $id: "bunq", components: spec.components });

const operations = new Map<string, Operation>();
for (const [path, byMethod] of Object.entries(spec.paths)) {
  for (const [method, operation] of Object.entries(byMethod)) {
    operations.set(`${method.toUpperCase()} ${normalizeEndpoint(path)}`, operation);
  }
}

const compiled = new Map<string, ValidateFunction>();
function validatorFor(ref: string): ValidateFunction {
  let validate = compiled.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: `bunq${ref}` });
    compiled.set(ref, validate);
  }
  return validate;
}

function describe(validate: ValidateFunction): string {
  const error = validate.errors?.[0];
  return error ? `${error.instancePath || "/"} ${error.message ?? "is invalid"}` : "is invalid";
}

export interface SpecViolation {
  readonly operation: string;
  readonly problem: string;
}

export function hasOperation(method: string, routePath: string): boolean {
  return operations.has(`${method} ${normalizeEndpoint(routePath)}`);
}

/** The first problem with a request body, or undefined when it fits the operation's schema. */
export function checkRequestBody(method: string, routePath: string, body: unknown): string | undefined {
  const schema = operations.get(`${method} ${normalizeEndpoint(routePath)}`)?.requestBody?.content?.[
    "application/json"
  ]?.schema;
  if (!schema?.$ref || body === undefined) return undefined;
  const validate = validatorFor(schema.$ref);
  return validate(body) ? undefined : describe(validate);
}

/** The first problem with a successful response body, or undefined when it fits. */
export function checkResponse(method: string, routePath: string, body: unknown): string | undefined {
  const operation = operations.get(`${method} ${normalizeEndpoint(routePath)}`);
  if (!operation) return "operation is not in bunq's spec";
  const schema = operation.responses?.["200"]?.content?.["application/json"]?.schema;
  const ref = schema?.$ref ?? schema?.items?.$ref;
  if (!ref) return undefined;
  const response = (body as { Response?: unknown }).Response;
  if (!Array.isArray(response)) return "no Response array";
  const validate = validatorFor(ref);
  const wrapperKeys = Object.keys(spec.components.schemas[ref.split("/").at(-1)!]?.properties ?? {});
  const elements = response as Record<string, unknown>[];
  const describesWrapper = elements.every((element) =>
    Object.keys(element).every((key) => wrapperKeys.includes(key)),
  );
  const candidates = describesWrapper
    ? schema?.type === "array"
      ? elements
      : [Object.assign({}, ...elements) as unknown]
    : elements.map((element) => Object.values(element)[0]);
  for (const candidate of candidates) {
    if (!validate(candidate)) return describe(validate);
  }
  return undefined;
}
