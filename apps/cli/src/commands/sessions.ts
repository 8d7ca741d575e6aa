import type { Command } from 'commander';
import type { SessionSummary } from '../api/identity.js';
import type { CliContext } from '../cli-context.js';
import { relativeTime } from '../output/relative-time.js';
import { columnsTable } from '../output/table.js';
import { connectedApi } from './connected-api.js';
import { issuerOption, jsonOption } from './options.js';

/** `tessera sessions [--all]` and `tessera sessions revoke ID [--delete-idp-tokens]`. */
export function sessionsCommand(program: Command, ctx: CliContext): void {
  const sessions = program
    .command('sessions')
    .description('list your sessions (logins), newest first; * marks this one')
    .option('--all', 'also list expired and revoked sessions')
    .addOption(issuerOption())
    .addOption(jsonOption())
    .action(async (options: { issuer?: string; json?: boolean; all?: boolean }) => {
      const list = await (await connectedApi(ctx, options.issuer)).sessions({ includeInactive: options.all ?? false });
      ctx.term.stdout.write(options.json ? `${JSON.stringify(list)}\n` : describe(ctx, list));
    });
  sessions
    .command('revoke')
    .description('end one of your sessions: its refresh token stops working')
    .argument('<id>', 'the session id, from tessera sessions')
    .option('--delete-idp-tokens', "also delete the platform's identity-provider tokens (as logout --everywhere)")
    .addOption(issuerOption())
    .action(async (id: string, options: { issuer?: string; deleteIdpTokens?: boolean }) => {
      const { revokedNow } = await (await connectedApi(ctx, options.issuer)).revokeSession(id, { deleteIdpTokens: options.deleteIdpTokens ?? false });
      ctx.term.stderr.write(revokedNow ? `session ${id} ended\n` : `session ${id} had already ended\n`);
    });
}

function describe(ctx: CliContext, list: readonly SessionSummary[]): string {
  if (list.length === 0) return 'no sessions\n';
  const when = (at: Date | undefined) => (at ? relativeTime(at, ctx.now()) : '-');
  return columnsTable(
    ctx.term,
    ['', 'ID', 'CLIENT', 'GROUP', 'STATE', 'LAST USED', 'EXPIRES', 'FROM'],
    list.map((s) => [s.current ? '*' : '', s.sessionId, s.clientId, s.group, s.state, when(s.lastUsedAt), when(s.expiresAt), s.createdIpAddress]),
  );
}
