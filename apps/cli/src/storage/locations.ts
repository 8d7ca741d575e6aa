import { join, resolve } from 'node:path';

/** Where the CLI keeps its files; README.md documents each. */
export interface Locations {
  /** `{ "issuer": …, "clientId": … }`, written by the user or an installer. */
  readonly configFile: string;
  /** The refresh token and what is known about the access token. A state file, not config: a
   * dotfiles repository that shares ~/.config must never carry a refresh token. */
  readonly sessionFile: string;
  /** Where the access token is written: the first place WLCG Bearer Token Discovery looks. */
  readonly bearerTokenFile: string;
  /** Where an access token is looked for, in WLCG Bearer Token Discovery order. */
  readonly bearerTokenCandidates: readonly string[];
}

/**
 * WLCG Bearer Token Discovery (WLCG Authorization WG): `BEARER_TOKEN` (a value, read
 * by commands, never written), then `BEARER_TOKEN_FILE` alone when it is set, else
 * `$XDG_RUNTIME_DIR/bt_u<uid>` and `/tmp/bt_u<uid>`.
 */
export function locations(env: NodeJS.ProcessEnv, uid: number, home: string): Locations {
  const configHome = env.XDG_CONFIG_HOME || join(home, '.config');
  const stateHome = env.XDG_STATE_HOME || join(home, '.local', 'state');
  const name = `bt_u${uid}`;
  // Absolute, so that the session file names it whatever the directory of a later command.
  const candidates = env.BEARER_TOKEN_FILE
    ? [resolve(env.BEARER_TOKEN_FILE)]
    : [...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, name)] : []), join('/tmp', name)];
  return {
    configFile: join(configHome, 'tessera', 'config.json'),
    sessionFile: join(stateHome, 'tessera', 'session.json'),
    bearerTokenFile: candidates[0]!,
    bearerTokenCandidates: candidates,
  };
}
