import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The shared access-token cache on SQLite. */
export class AccessTokenCacheSqlite1764626400000 implements MigrationInterface {
  name = 'AccessTokenCacheSqlite1764626400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "access_token_cache" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" varchar(128) NOT NULL, "provider" varchar(128) NOT NULL, "cache_key" varchar(64) NOT NULL, "access_token" text NOT NULL, "encryption_key_id" varchar(64) NOT NULL, "token_type" varchar(32) NOT NULL, "scope" text NOT NULL, "audience" varchar(512) NOT NULL, "expires_at" bigint NOT NULL, "created_at" bigint NOT NULL, CONSTRAINT "uq_access_token_cache_entry" UNIQUE ("user_id", "provider", "cache_key"))`);
    await queryRunner.query(`CREATE INDEX "ix_access_token_cache_expiry" ON "access_token_cache" ("expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "access_token_cache"`);
  }
}
