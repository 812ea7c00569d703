ALTER TABLE "bunq_api_contexts" ALTER COLUMN "server_public_key_pem" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "bunq_api_contexts" ADD COLUMN "server_public_key_encrypted" text;