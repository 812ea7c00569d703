CREATE TABLE "bunq_callbacks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"chat_id" bigint NOT NULL,
	"category" text NOT NULL,
	"event_type" text NOT NULL,
	"object_type" text NOT NULL,
	"object_id" bigint NOT NULL,
	"object_state" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"lease_until" timestamp with time zone,
	"lease_token" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"done_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "held_balances" (
	"chat_id" bigint PRIMARY KEY NOT NULL,
	"accounts" jsonb NOT NULL,
	"read_at" timestamp with time zone NOT NULL,
	"moved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "unattended_reads" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"principal" text NOT NULL,
	"read_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bunq_connections" ALTER COLUMN "access_token_encrypted" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "bunq_connections" ADD COLUMN "callback_token_hash" text;--> statement-breakpoint
ALTER TABLE "bunq_connections" ADD COLUMN "callbacks_registered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "bunq_connections" ADD COLUMN "callbacks_unavailable" text;--> statement-breakpoint
ALTER TABLE "telegram_chats" ADD COLUMN "notifications_enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "telegram_chats" ADD COLUMN "notifications_minimum_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "bunq_callbacks" ADD CONSTRAINT "bunq_callbacks_chat_id_bunq_connections_chat_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."bunq_connections"("chat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "held_balances" ADD CONSTRAINT "held_balances_chat_id_bunq_connections_chat_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."bunq_connections"("chat_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bunq_callbacks_event" ON "bunq_callbacks" USING btree ("chat_id","category","event_type","object_id","object_state");--> statement-breakpoint
CREATE INDEX "bunq_callbacks_pending" ON "bunq_callbacks" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "unattended_reads_principal" ON "unattended_reads" USING btree ("principal","read_at");--> statement-breakpoint
ALTER TABLE "bunq_connections" ADD CONSTRAINT "bunq_connections_callback_token_hash_unique" UNIQUE("callback_token_hash");