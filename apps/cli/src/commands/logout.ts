import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../cli-context.js';
import type { IssuerSettings } from '../config/issuer-settings.js';
import { ExitCode } from '../exit-codes.js';
import { removeAccessTokenFile, revokeSession } from '../services/end-session.js';
import { readSession, removeSession, withSessionLock, type StoredSession } from '../storage/session-file.js';
import { issuerOption, jsonOption } from './options.js';

/**
 * `tessera logout`: revokes the refresh token (RFC 7009), which ends the session at the issuer,
 * then removes the session file and the access token. When the issuer cannot be reached the
 * files stay, so that the logout can be tried again; a logout without a session does nothing.
 */
export function logoutCommand(program: Command, ctx: CliContext): void {
  program
    .command('logout')
    .description('end the session at the issuer and remove the stored tokens')
    .option('--everywhere', 'also end your other sessions and delete the identity provider tokens Tessera holds for you')
    .addOption(issuerOption())
    .addOption(jsonOption())
    .action((options: LogoutOptions) => logout(ctx, options));
}

interface LogoutOptions {
  everywhere?: boolean;
  issuer?: string;
  json?: boolean;
}

async function logout(ctx: CliContext, options: LogoutOptions): Promise<void> {
  const everywhere = options.everywhere === true;
  const ended = await endSession(ctx, await ctx.issuerSettings(options.issuer), everywhere);
  if (options.json) {
    ctx.term.stdout.write(`${JSON.stringify({ loggedOut: ended !== undefined, issuer: ended?.issuer, everywhere })}\n`);
  } else if (ended) {
    ctx.term.stdout.write(`Logged out of ${ended.issuer}${everywhere ? ', everywhere: your other sessions and stored identity provider tokens are gone too' : ''}\n`);
  } else {
    ctx.term.stderr.write('tessera: not logged in; nothing to do\n');
  }
}

/** Revokes and removes the session under its lock; the session ended, or undefined when there was none. */
async function endSession(ctx: CliContext, settings: IssuerSettings | undefined, everywhere: boolean): Promise<StoredSession | undefined> {
  const { sessionFile } = ctx.locations;
  if (!(await readSession(sessionFile))) return undefined;
  return withSessionLock(sessionFile, async () => {
    const session = await readSession(sessionFile);
    if (!session) return undefined;
    if (settings?.explicit && settings.issuer !== session.issuer) {
      throw new CliError(ExitCode.notLoggedIn, `not logged in at ${settings.issuer} (the session is at ${session.issuer})`);
    }
    await revokeSession(ctx, session, { everywhere });
    await removeSession(sessionFile);
    await removeAccessTokenFile(session);
    return session;
  });
}
