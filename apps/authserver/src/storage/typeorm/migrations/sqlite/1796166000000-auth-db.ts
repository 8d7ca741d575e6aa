import type { MigrationInterface, QueryRunner } from 'typeorm';

/** AuthDB's first schema on SQLite: device flows, browser logins, sessions and their refresh tokens. */
export class AuthDbSqlite1796166000000 implements MigrationInterface {
  name = 'AuthDbSqlite1796166000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "device_flows" ("id" varchar(64) PRIMARY KEY NOT NULL, "device_code_hash" varchar(64) NOT NULL, "user_code" varchar(16) NOT NULL, "client_id" varchar(255) NOT NULL, "scopes" text NOT NULL, "state" varchar(16) NOT NULL, "interval_seconds" integer NOT NULL, "last_polled_at" datetime(3), "ip_address" varchar(64) NOT NULL, "user_agent" varchar(256) NOT NULL, "created_at" datetime(3) NOT NULL, "expires_at" datetime(3) NOT NULL, "user_id" varchar(128), "grp" varchar(128), "vo" varchar(128), "provider" varchar(128), "provider_subject" varchar(255), "granted_scopes" text, "denial" varchar(256), CONSTRAINT "uq_device_flows_device_code_hash" UNIQUE ("device_code_hash"), CONSTRAINT "uq_device_flows_user_code" UNIQUE ("user_code"))`);
    await queryRunner.query(`CREATE INDEX "ix_device_flows_expiry" ON "device_flows" ("expires_at")`);
    await queryRunner.query(`CREATE TABLE "authorization_flows" ("id" varchar(64) PRIMARY KEY NOT NULL, "purpose_kind" varchar(8) NOT NULL, "device_flow_id" varchar(64), "client_id" varchar(255), "redirect_uri" text, "client_state" text, "code_challenge" varchar(128), "nonce" text, "scopes" text NOT NULL, "stage" varchar(16) NOT NULL, "browser_binding_hash" varchar(64) NOT NULL, "idp_state" varchar(255), "sealed_state" blob, "user_id" varchar(128), "grp" varchar(128), "vo" varchar(128), "provider" varchar(128), "provider_subject" varchar(255), "candidate_groups" text NOT NULL, "code_hash" varchar(64), "code_expires_at" datetime(3), "session_id" varchar(64), "ip_address" varchar(64) NOT NULL, "user_agent" varchar(256) NOT NULL, "created_at" datetime(3) NOT NULL, "expires_at" datetime(3) NOT NULL, CONSTRAINT "uq_authorization_flows_idp_state" UNIQUE ("idp_state"), CONSTRAINT "uq_authorization_flows_code_hash" UNIQUE ("code_hash"))`);
    await queryRunner.query(`CREATE INDEX "ix_authorization_flows_expiry" ON "authorization_flows" ("expires_at")`);
    await queryRunner.query(`CREATE TABLE "sessions" ("id" varchar(64) PRIMARY KEY NOT NULL, "client_id" varchar(255) NOT NULL, "user_id" varchar(128) NOT NULL, "grp" varchar(128) NOT NULL, "vo" varchar(128) NOT NULL, "provider" varchar(128) NOT NULL, "provider_subject" varchar(255) NOT NULL, "scopes" text NOT NULL, "created_at" datetime(3) NOT NULL, "expires_at" datetime(3) NOT NULL, "last_used_at" datetime(3), "revoked_at" datetime(3), "end_reason" varchar(16), "ip_address" varchar(64) NOT NULL, "user_agent" varchar(256) NOT NULL, "generation" integer NOT NULL)`);
    await queryRunner.query(`CREATE INDEX "ix_sessions_user" ON "sessions" ("user_id", "created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_sessions_expiry" ON "sessions" ("expires_at")`);
    await queryRunner.query(`CREATE TABLE "refresh_tokens" ("token_hash" varchar(64) PRIMARY KEY NOT NULL, "session_id" varchar(64) NOT NULL, "generation" integer NOT NULL, "issued_at" datetime(3) NOT NULL, "rotated_at" datetime(3))`);
    await queryRunner.query(`CREATE INDEX "ix_refresh_tokens_session" ON "refresh_tokens" ("session_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
    await queryRunner.query(`DROP TABLE "sessions"`);
    await queryRunner.query(`DROP TABLE "authorization_flows"`);
    await queryRunner.query(`DROP TABLE "device_flows"`);
  }
}
