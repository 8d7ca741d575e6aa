import type { MigrationInterface, QueryRunner } from 'typeorm';

/** TokenDB's first schema on SQLite: stored IdP tokens, token history, revocation outbox. */
export class TokenDbSqlite1764622800000 implements MigrationInterface {
  name = 'TokenDbSqlite1764622800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "idp_tokens" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "token_id" varchar(40) NOT NULL, "user_id" varchar(128) NOT NULL, "provider" varchar(128) NOT NULL, "subject" varchar(255) NOT NULL, "access_token" text NOT NULL, "refresh_token" text NOT NULL, "encryption_key_id" varchar(64) NOT NULL, "scope" text NOT NULL, "token_type" varchar(32) NOT NULL, "client_id" varchar(255) NOT NULL, "kid" varchar(255) NOT NULL, "issued_at" bigint NOT NULL, "expires_at" bigint, "rt_expires_at" bigint NOT NULL, "access_token_revoked_at" bigint, "refresh_token_revoked_at" bigint, "last_used_at" bigint, "version" integer NOT NULL, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, CONSTRAINT "uq_idp_tokens_token_id" UNIQUE ("token_id"), CONSTRAINT "uq_idp_tokens_user_provider" UNIQUE ("user_id", "provider"))`);
    await queryRunner.query(`CREATE TABLE "token_history" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "event_id" varchar(40) NOT NULL, "occurred_at" bigint NOT NULL, "action" varchar(32) NOT NULL, "user_id" varchar(128) NOT NULL, "provider" varchar(128) NOT NULL, "actor_kind" varchar(16) NOT NULL, "actor_id" varchar(255) NOT NULL, "via_service" varchar(255) NOT NULL, "ip_address" varchar(64) NOT NULL, "group_name" varchar(128) NOT NULL, "scope" text NOT NULL, "detail" varchar(512) NOT NULL, "request_id" varchar(128) NOT NULL, CONSTRAINT "uq_token_history_event_id" UNIQUE ("event_id"))`);
    await queryRunner.query(`CREATE INDEX "ix_token_history_user_time" ON "token_history" ("user_id", "occurred_at")`);
    await queryRunner.query(`CREATE INDEX "ix_token_history_time" ON "token_history" ("occurred_at")`);
    await queryRunner.query(`CREATE TABLE "revocation_outbox" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "entry_id" varchar(40) NOT NULL, "user_id" varchar(128) NOT NULL, "provider" varchar(128) NOT NULL, "client_id" varchar(255) NOT NULL, "token_type_hint" varchar(16) NOT NULL, "token" text NOT NULL, "encryption_key_id" varchar(64) NOT NULL, "attempts" integer NOT NULL, "next_attempt_at" bigint NOT NULL, "last_error" varchar(255) NOT NULL, "created_at" bigint NOT NULL, CONSTRAINT "uq_revocation_outbox_entry_id" UNIQUE ("entry_id"))`);
    await queryRunner.query(`CREATE INDEX "ix_revocation_outbox_next" ON "revocation_outbox" ("next_attempt_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "revocation_outbox"`);
    await queryRunner.query(`DROP TABLE "token_history"`);
    await queryRunner.query(`DROP TABLE "idp_tokens"`);
  }
}
