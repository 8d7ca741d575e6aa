import type { Command } from 'commander';
import type { Identity } from '../api/identity.js';
import type { CliContext } from '../cli-context.js';
import { relativeTime } from '../output/relative-time.js';
import { keyValueTable } from '../output/table.js';
import { dim } from '../output/terminal.js';
import { connectedApi } from './connected-api.js';
import { issuerOption, jsonOption } from './options.js';

/** `tessera whoami`: the authserver's Whoami with the user's own token. */
export function whoamiCommand(program: Command, ctx: CliContext): void {
  program
    .command('whoami')
    .description('show who the access token says you are: user, VO, group, properties, scopes')
    .addOption(issuerOption())
    .addOption(jsonOption())
    .action(async (options: { issuer?: string; json?: boolean }) => {
      const me = await (await connectedApi(ctx, options.issuer)).whoami();
      ctx.term.stdout.write(options.json ? `${JSON.stringify({ ...me, tokenExpiresAt: me.tokenExpiresAt?.toISOString() })}\n` : describe(ctx, me));
    });
}

function describe(ctx: CliContext, me: Identity): string {
  const expires = me.tokenExpiresAt ? `${relativeTime(me.tokenExpiresAt, ctx.now())} ${dim(ctx.term, `(${me.tokenExpiresAt.toISOString()})`)}` : 'never';
  return keyValueTable(ctx.term, [
    ['user', me.userId],
    ['vo', me.vo],
    ['group', me.group],
    ['properties', me.properties.join(', ')],
    ['scopes', me.scopes.join(' ')],
    ['expires', expires],
    ['identity provider', `${me.provider} (${me.providerSubject})`],
    ['session', me.sessionId],
    ['client', me.clientId],
    ['issuer', me.issuer],
  ]);
}
