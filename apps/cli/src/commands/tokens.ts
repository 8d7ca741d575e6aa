import type { Command } from 'commander';
import type { StoredIdpToken } from '../api/identity.js';
import type { CliContext } from '../cli-context.js';
import { relativeTime } from '../output/relative-time.js';
import { columnsTable } from '../output/table.js';
import { issuerOption, jsonOption } from './options.js';
import { connectedApi } from './connected-api.js';

/** `tessera tokens`: the IdP tokens the platform holds for me (metadata, never the tokens). */
export function tokensCommand(program: Command, ctx: CliContext): void {
  program
    .command('tokens')
    .description('list the identity-provider tokens the platform holds for you, with which jobs act for you')
    .addOption(issuerOption())
    .addOption(jsonOption())
    .action(async (options: { issuer?: string; json?: boolean }) => {
      const tokens = await (await connectedApi(ctx, options.issuer)).tokens();
      ctx.term.stdout.write(options.json ? `${JSON.stringify(tokens)}\n` : describe(ctx, tokens));
    });
}

function describe(ctx: CliContext, tokens: readonly StoredIdpToken[]): string {
  if (tokens.length === 0) return 'the platform holds no identity-provider token for you: run tessera login\n';
  const when = (at: Date | undefined) => (at ? relativeTime(at, ctx.now()) : '-');
  return columnsTable(
    ctx.term,
    ['PROVIDER', 'SUBJECT', 'LOGIN NEEDED', 'LAST USED', 'SCOPES'],
    tokens.map((t) => [t.provider, t.subject, when(t.refreshExpiresAt), when(t.lastUsedAt), t.scopes.join(' ')]),
  );
}
