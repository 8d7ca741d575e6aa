import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The shared access-token cache on MariaDB/MySQL. */
export class AccessTokenCacheMariadb1764626400000 implements MigrationInterface {
  name = 'AccessTokenCacheMariadb1764626400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE `access_token_cache` (`id` int NOT NULL AUTO_INCREMENT, `user_id` varchar(128) NOT NULL, `provider` varchar(128) NOT NULL, `cache_key` varchar(64) NOT NULL, `access_token` text NOT NULL, `encryption_key_id` varchar(64) NOT NULL, `token_type` varchar(32) NOT NULL, `scope` text NOT NULL, `audience` varchar(512) NOT NULL, `expires_at` bigint NOT NULL, `created_at` bigint NOT NULL, INDEX `ix_access_token_cache_expiry` (`expires_at`), UNIQUE INDEX `uq_access_token_cache_entry` (`user_id`, `provider`, `cache_key`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE `access_token_cache`");
  }
}
