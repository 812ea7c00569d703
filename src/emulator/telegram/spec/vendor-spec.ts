/**
 * Generates `telegram-bot-api.trimmed.json`, the only copy of the Bot API spec the emulator reads.
 *
 * WHY: the full scraped spec (PaulSonOfLars/telegram-bot-api-spec `api.json`) lives outside the repo and
 * is not available in a user's clone or at test time, and its prose descriptions are 90 % of its size.
 * We keep every method with its fields (name, types, required) and every type those fields reach,
 * plus the constant discriminator of union members (e.g. BotCommandScopeChat.type = "chat").
 *
 * Usage: tsx src/emulator/telegram/spec/vendor-spec.ts [path/to/telegram-bot-api.json]
 * (default ../shared/specs/telegram-bot-api.json relative to the repository root).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const sourceField = z.object({
  name: z.string(),
  types: z.array(z.string()),
  required: z.boolean(),
  description: z.string().optional(),
});
const sourceSpec = z.object({
  version: z.string(),
  release_date: z.string(),
  methods: z.record(z.string(), z.object({ name: z.string(), fields: z.array(sourceField).optional() })),
  types: z.record(
    z.string(),
    z.object({
      name: z.string(),
      fields: z.array(sourceField).optional(),
      subtypes: z.array(z.string()).optional(),
    }),
  ),
});
type SourceField = z.infer<typeof sourceField>;

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../../../..");
const inputPath = resolve(repoRoot, process.argv[2] ?? "../shared/specs/telegram-bot-api.json");
const outputPath = join(here, "telegram-bot-api.trimmed.json");

/** Names of object types inside a spec type expression such as "Array of Array of PhotoSize". */
function referencedTypes(types: string[]): string[] {
  return types.map((t) => t.replace(/^(Array of )+/, ""));
}

/** Union members state their tag in prose: 'must be chat' or 'always "user"'. */
function discriminator(field: SourceField): string | undefined {
  if (!field.required || field.types.join() !== "String" || !field.description) return undefined;
  const match = /(?:must be|always) [“"*]?([a-z_]+)[”"*]?/.exec(field.description);
  return match?.[1];
}

function trimField(field: SourceField) {
  const constant = discriminator(field);
  return {
    name: field.name,
    types: field.types,
    required: field.required,
    ...(constant ? { const: constant } : {}),
  };
}

const spec = sourceSpec.parse(JSON.parse(readFileSync(inputPath, "utf8")));
const needed = new Set<string>();
const queue = Object.values(spec.methods).flatMap((m) =>
  referencedTypes((m.fields ?? []).flatMap((f) => f.types)),
);
while (queue.length > 0) {
  const name = queue.pop();
  if (name === undefined || needed.has(name) || !spec.types[name]) continue;
  needed.add(name);
  const type = spec.types[name];
  queue.push(...referencedTypes((type.fields ?? []).flatMap((f) => f.types)), ...(type.subtypes ?? []));
}

const trimmed = {
  source:
    "PaulSonOfLars/telegram-bot-api-spec api.json (scraped from https://core.telegram.org/bots/api), " +
    "trimmed by src/emulator/telegram/spec/vendor-spec.ts",
  licence: "MIT",
  version: spec.version,
  release_date: spec.release_date,
  methods: Object.fromEntries(
    Object.values(spec.methods).map((m) => [m.name, { fields: (m.fields ?? []).map(trimField) }]),
  ),
  types: Object.fromEntries(
    [...needed].sort().map((name) => {
      const type = spec.types[name];
      return [
        name,
        {
          ...(type?.fields ? { fields: type.fields.map(trimField) } : {}),
          ...(type?.subtypes ? { subtypes: type.subtypes } : {}),
        },
      ];
    }),
  ),
};
writeFileSync(outputPath, JSON.stringify(trimmed, null, 1) + "\n");
console.log(`wrote ${outputPath}: ${Object.keys(trimmed.methods).length} methods, ${needed.size} types`);
