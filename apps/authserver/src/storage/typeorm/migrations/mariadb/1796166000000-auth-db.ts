import type { MigrationInterface, QueryRunner } from 'typeorm';

/** AuthDB's first schema on MariaDB/MySQL: device flows, browser logins, sessions and their refresh tokens. */
export class AuthDbMariadb1796166000000 implements MigrationInterface {
  name = 'AuthDbMariadb1796166000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE `device_flows` (`id` varchar(64) NOT NULL, `device_code_hash` varchar(64) NOT NULL, `user_code` varchar(16) NOT NULL, `client_id` varchar(255) NOT NULL, `scopes` text NOT NULL, `state` varchar(16) NOT NULL, `interval_seconds` int NOT NULL, `last_polled_at` datetime(3) NULL, `ip_address` varchar(64) NOT NULL, `user_agent` varchar(256) NOT NULL, `created_at` datetime(3) NOT NULL, `expires_at` datetime(3) NOT NULL, `user_id` varchar(128) NULL, `grp` varchar(128) NULL, `vo` varchar(128) NULL, `provider` varchar(128) NULL, `provider_subject` varchar(255) NULL, `granted_scopes` text NULL, `denial` varchar(256) NULL, INDEX `ix_device_flows_expiry` (`expires_at`), UNIQUE INDEX `uq_device_flows_device_code_hash` (`device_code_hash`), UNIQUE INDEX `uq_device_flows_user_code` (`user_code`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `authorization_flows` (`id` varchar(64) NOT NULL, `purpose_kind` varchar(8) NOT NULL, `device_flow_id` varchar(64) NULL, `client_id` varchar(255) NULL, `redirect_uri` text NULL, `client_state` text NULL, `code_challenge` varchar(128) NULL, `nonce` text NULL, `scopes` text NOT NULL, `stage` varchar(16) NOT NULL, `browser_binding_hash` varchar(64) NOT NULL, `idp_state` varchar(255) NULL, `sealed_state` blob NULL, `user_id` varchar(128) NULL, `grp` varchar(128) NULL, `vo` varchar(128) NULL, `provider` varchar(128) NULL, `provider_subject` varchar(255) NULL, `candidate_groups` text NOT NULL, `code_hash` varchar(64) NULL, `code_expires_at` datetime(3) NULL, `session_id` varchar(64) NULL, `ip_address` varchar(64) NOT NULL, `user_agent` varchar(256) NOT NULL, `created_at` datetime(3) NOT NULL, `expires_at` datetime(3) NOT NULL, INDEX `ix_authorization_flows_expiry` (`expires_at`), UNIQUE INDEX `uq_authorization_flows_idp_state` (`idp_state`), UNIQUE INDEX `uq_authorization_flows_code_hash` (`code_hash`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `sessions` (`id` varchar(64) NOT NULL, `client_id` varchar(255) NOT NULL, `user_id` varchar(128) NOT NULL, `grp` varchar(128) NOT NULL, `vo` varchar(128) NOT NULL, `provider` varchar(128) NOT NULL, `provider_subject` varchar(255) NOT NULL, `scopes` text NOT NULL, `created_at` datetime(3) NOT NULL, `expires_at` datetime(3) NOT NULL, `last_used_at` datetime(3) NULL, `revoked_at` datetime(3) NULL, `end_reason` varchar(16) NULL, `ip_address` varchar(64) NOT NULL, `user_agent` varchar(256) NOT NULL, `generation` int NOT NULL, INDEX `ix_sessions_user` (`user_id`, `created_at`, `id`), INDEX `ix_sessions_expiry` (`expires_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    await queryRunner.query("CREATE TABLE `refresh_tokens` (`token_hash` varchar(64) NOT NULL, `session_id` varchar(64) NOT NULL, `generation` int NOT NULL, `issued_at` datetime(3) NOT NULL, `rotated_at` datetime(3) NULL, INDEX `ix_refresh_tokens_session` (`session_id`), PRIMARY KEY (`token_hash`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE `refresh_tokens`");
    await queryRunner.query("DROP TABLE `sessions`");
    await queryRunner.query("DROP TABLE `authorization_flows`");
    await queryRunner.query("DROP TABLE `device_flows`");
  }
}
