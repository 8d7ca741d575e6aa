import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { humanSpan } from '../output/relative-time.js';
import { freshAccessToken } from '../services/fresh-access-token.js';
import { durationArgument, issuerOption, jsonOption } from './options.js';

/** `tessera token`: what HTCondor, gfal or a script reads: a valid access token on stdout. */
export function tokenCommand(program: Command, ctx: CliContext): void {
  program
    .command('token')
    .description('print a valid access token, refreshing it first when it expires within --min-lifetime')
    .option('--min-lifetime <duration>', 'refresh when the token expires sooner than this (like htgettoken --minsecs)', durationArgument, 60_000)
    .addOption(issuerOption())
    .addOption(jsonOption())
    .action(async (options: { minLifetime: number; issuer?: string; json?: boolean }) => {
      const fresh = await freshAccessToken(ctx, { issuer: options.issuer, minLifetimeMs: options.minLifetime });
      const left = fresh.expiresAt && fresh.expiresAt.getTime() - ctx.now().getTime();
      if (fresh.refreshed && left !== undefined && left < options.minLifetime) {
        ctx.term.stderr.write(`tessera: the new access token expires in ${humanSpan(left)}, sooner than --min-lifetime; tessera login --lifetime asks for longer ones\n`);
      }
      if (options.json) {
        ctx.term.stdout.write(`${JSON.stringify({ accessToken: fresh.token, expiresAt: fresh.expiresAt?.toISOString(), issuer: fresh.issuer, refreshed: fresh.refreshed })}\n`);
      } else {
        ctx.term.stdout.write(`${fresh.token}\n`);
      }
    });
}
