import type { MigrationInterface, QueryRunner } from 'typeorm';

/** TokenDB's first schema on MariaDB/MySQL: stored IdP tokens, token history, revocation outbox. */
export class TokenDbMariadb1764622800000 implements MigrationInterface {
  name = 'TokenDbMariadb1764622800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE `idp_tokens` (`id` int NOT NULL AUTO_INCREMENT, `token_id` varchar(40) NOT NULL, `user_id` varchar(128) NOT NULL, `provider` varchar(128) NOT NULL, `subject` varchar(255) NOT NULL, `access_token` text NOT NULL, `refresh_token` text NOT NULL, `encryption_key_id` varchar(64) NOT NULL, `scope` text NOT NULL, `token_type` varchar(32) NOT NULL, `client_id` varchar(255) NOT NULL, `kid` varchar(255) NOT NULL, `issued_at` bigint NOT NULL, `expires_at` bigint NULL, `rt_expires_at` bigint NOT NULL, `access_token_revoked_at` bigint NULL, `refresh_token_revoked_at` bigint NULL, `last_used_at` bigint NULL, `version` int NOT NULL, `created_at` bigint NOT NULL, `updated_at` bigint NOT NULL, UNIQUE INDEX `uq_idp_tokens_token_id` (`token_id`), UNIQUE INDEX `uq_idp_tokens_user_provider` (`user_id`, `provider`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `token_history` (`id` int NOT NULL AUTO_INCREMENT, `event_id` varchar(40) NOT NULL, `occurred_at` bigint NOT NULL, `action` varchar(32) NOT NULL, `user_id` varchar(128) NOT NULL, `provider` varchar(128) NOT NULL, `actor_kind` varchar(16) NOT NULL, `actor_id` varchar(255) NOT NULL, `via_service` varchar(255) NOT NULL, `ip_address` varchar(64) NOT NULL, `group_name` varchar(128) NOT NULL, `scope` text NOT NULL, `detail` varchar(512) NOT NULL, `request_id` varchar(128) NOT NULL, INDEX `ix_token_history_user_time` (`user_id`, `occurred_at`), INDEX `ix_token_history_time` (`occurred_at`), UNIQUE INDEX `uq_token_history_event_id` (`event_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `revocation_outbox` (`id` int NOT NULL AUTO_INCREMENT, `entry_id` varchar(40) NOT NULL, `user_id` varchar(128) NOT NULL, `provider` varchar(128) NOT NULL, `client_id` varchar(255) NOT NULL, `token_type_hint` varchar(16) NOT NULL, `token` text NOT NULL, `encryption_key_id` varchar(64) NOT NULL, `attempts` int NOT NULL, `next_attempt_at` bigint NOT NULL, `last_error` varchar(255) NOT NULL, `created_at` bigint NOT NULL, INDEX `ix_revocation_outbox_next` (`next_attempt_at`), UNIQUE INDEX `uq_revocation_outbox_entry_id` (`entry_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE `revocation_outbox`");
    await queryRunner.query("DROP TABLE `token_history`");
    await queryRunner.query("DROP TABLE `idp_tokens`");
  }
}
