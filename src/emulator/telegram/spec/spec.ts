/**
 * The vendored, trimmed Bot API spec (see vendor-spec.ts), parsed once at start-up.
 * Only this file is read at run and test time; /work/shared is not part of the repository.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

const specField = z.object({
  name: z.string(),
  types: z.array(z.string()),
  required: z.boolean(),
  /** Tag value of a union member, e.g. "chat" for BotCommandScopeChat.type. */
  const: z.string().optional(),
});
const specSchema = z.object({
  version: z.string(),
  methods: z.record(z.string(), z.object({ fields: z.array(specField) })),
  types: z.record(
    z.string(),
    z.object({ fields: z.array(specField).optional(), subtypes: z.array(z.string()).optional() }),
  ),
});

export type SpecField = z.infer<typeof specField>;
export type BotApiSpec = z.infer<typeof specSchema>;

export function loadSpec(): BotApiSpec {
  const url = new URL("./telegram-bot-api.trimmed.json", import.meta.url);
  return specSchema.parse(JSON.parse(readFileSync(url, "utf8")));
}
