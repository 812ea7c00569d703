/**
 * Checks one Bot API call against the vendored spec and coerces its parameters the way Telegram does.
 *
 * WHY coercion: Telegram reads every top-level parameter as a string (query, form or multipart) or a
 * JSON value, so "42" is a fine Integer and reply_markup may arrive as a JSON-serialized string.
 * Inside JSON objects values must have their real JSON type. Unknown parameters are ignored, as Telegram does.
 */
import { badRequest } from "./errors.js";
import type { BotApiSpec, SpecField } from "./spec/spec.js";

export interface UploadedFile {
  kind: "upload";
  bytes: Buffer;
  filename: string;
  mimeType: string;
}

export type RawParams = Record<string, unknown>;

/** Telegram's own wording for some missing parameters; the rest get a generic sentence. */
const MISSING_MESSAGES: Record<string, string> = {
  chat_id: "chat_id is empty",
  text: "message text is empty",
  photo: "there is no photo in the request",
  message_id: "message identifier is not specified",
  callback_query_id: "query is too old and response timeout expired or query ID is invalid",
  url: "bad webhook: an HTTPS URL must be provided for webhook",
};

class Mismatch {
  constructor(readonly message: string) {}
}

export class CallValidator {
  constructor(private readonly spec: BotApiSpec) {}

  /** Canonical method name for Telegram's case-insensitive lookup, or undefined for an unknown method. */
  methodName(name: string): string | undefined {
    const lower = name.toLowerCase();
    return Object.keys(this.spec.methods).find((m) => m.toLowerCase() === lower);
  }

  validate(method: string, raw: RawParams, files: Map<string, UploadedFile>): RawParams {
    const fields = this.spec.methods[method]?.fields ?? [];
    const out: RawParams = { ...raw };
    for (const field of fields) {
      const value = raw[field.name];
      if (value === undefined || value === null || (value === "" && !field.types.includes("String"))) {
        if (field.required)
          throw badRequest(MISSING_MESSAGES[field.name] ?? `parameter "${field.name}" is required`);
        delete out[field.name];
        continue;
      }
      const coerced = this.coerceTop(field, value, files);
      if (coerced instanceof Mismatch) throw badRequest(coerced.message);
      out[field.name] = coerced;
    }
    return out;
  }

  private coerceTop(field: SpecField, value: unknown, files: Map<string, UploadedFile>): unknown {
    let firstMismatch: Mismatch | undefined;
    for (const type of field.types) {
      const result = this.coerceTopAs(type, field.name, value, files);
      if (!(result instanceof Mismatch)) return result;
      firstMismatch ??= result;
    }
    return firstMismatch ?? new Mismatch(`field "${field.name}" has no type`);
  }

  private coerceTopAs(type: string, name: string, value: unknown, files: Map<string, UploadedFile>): unknown {
    switch (type) {
      case "Integer":
        if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value.trim());
        return isInteger(value) ? value : new Mismatch(`field "${name}" must be of type Integer`);
      case "Float":
        if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
          return Number(value);
        return typeof value === "number" ? value : new Mismatch(`field "${name}" must be of type Float`);
      case "Boolean":
        if (value === "true" || value === "1" || value === 1) return true;
        if (value === "false" || value === "0" || value === 0) return false;
        return typeof value === "boolean" ? value : new Mismatch(`field "${name}" must be of type Boolean`);
      case "String":
        if (typeof value === "number") return String(value);
        return typeof value === "string" ? value : new Mismatch(`field "${name}" must be of type String`);
      case "InputFile":
        if (isUpload(value)) return value;
        if (typeof value === "string" && value.startsWith("attach://")) {
          const file = files.get(value.slice("attach://".length));
          return file ?? new Mismatch(`can't find the attached file "${value}"`);
        }
        return new Mismatch(`field "${name}" must be an uploaded file`);
      default: {
        let parsed = value;
        if (typeof value === "string") {
          try {
            parsed = JSON.parse(value);
          } catch {
            return new Mismatch(
              name === "reply_markup"
                ? "can't parse reply keyboard markup JSON object"
                : `can't parse ${name} JSON object`,
            );
          }
        }
        const result = this.coerceNested(type, parsed, name);
        return result instanceof Mismatch ? new Mismatch(`can't parse ${name}: ${result.message}`) : result;
      }
    }
  }

  /** Validates a JSON value against a spec type expression; objects keep unknown keys. */
  private coerceNested(type: string, value: unknown, path: string): unknown {
    const arrayOf = /^Array of (.+)$/.exec(type);
    if (arrayOf?.[1]) {
      const itemType = arrayOf[1];
      if (!Array.isArray(value)) return new Mismatch(`field "${path}" must be an Array`);
      const items: unknown[] = [];
      for (const [i, item] of value.entries()) {
        const r = this.coerceNested(itemType, item, `${path}[${i}]`);
        if (r instanceof Mismatch) return r;
        items.push(r);
      }
      return items;
    }
    switch (type) {
      case "Integer":
        return isInteger(value) ? value : new Mismatch(`field "${path}" must be of type Integer`);
      case "Float":
        return typeof value === "number" ? value : new Mismatch(`field "${path}" must be of type Float`);
      case "Boolean":
        return typeof value === "boolean" ? value : new Mismatch(`field "${path}" must be of type Boolean`);
      case "String":
        return typeof value === "string" ? value : new Mismatch(`field "${path}" must be of type String`);
      case "InputFile":
        return typeof value === "string" ? value : new Mismatch(`field "${path}" must be of type String`);
    }
    return this.coerceObject(type, value, path);
  }

  private coerceObject(type: string, value: unknown, path: string): unknown {
    const spec = this.spec.types[type];
    if (!spec) return value;
    if (!isPlainObject(value)) return new Mismatch(`field "${path}" must be an Object`);
    if (spec.subtypes) return this.coerceUnion(spec.subtypes, value, path);
    const out: Record<string, unknown> = { ...value };
    for (const field of spec.fields ?? []) {
      const fieldPath = `${path}.${field.name}`;
      const v = value[field.name];
      if (v === undefined) {
        if (field.required) return new Mismatch(`field "${fieldPath}" is required`);
        continue;
      }
      if (field.const !== undefined && v !== field.const) {
        return new Mismatch(`field "${fieldPath}" must be "${field.const}"`);
      }
      let result: unknown = new Mismatch(`field "${fieldPath}" has no type`);
      for (const t of field.types) {
        result = this.coerceNested(t, v, fieldPath);
        if (!(result instanceof Mismatch)) break;
      }
      if (result instanceof Mismatch) return result;
      out[field.name] = result;
    }
    return out;
  }

  /** Union members carry a tag field (type/status/source); pick the member whose tag matches. */
  private coerceUnion(subtypes: string[], value: Record<string, unknown>, path: string): unknown {
    const tagged = subtypes.filter((s) =>
      (this.spec.types[s]?.fields ?? []).some((f) => f.const !== undefined && value[f.name] === f.const),
    );
    const candidates = tagged.length > 0 ? tagged : subtypes;
    let first: Mismatch | undefined;
    for (const candidate of candidates) {
      const r = this.coerceObject(candidate, value, path);
      if (!(r instanceof Mismatch)) return r;
      first ??= r;
    }
    return first ?? new Mismatch(`field "${path}" has an unknown type`);
  }
}

function isInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isUpload(value: unknown): value is UploadedFile {
  return isPlainObject(value) && value.kind === "upload" && Buffer.isBuffer(value.bytes);
}
