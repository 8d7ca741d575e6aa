// The composition root of `tessera`: wires the context every command receives, registers the
// commands, and turns whatever a command throws into one line on stderr and an exit code.
import { homedir } from 'node:os';
import { Command, CommanderError } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { CliError } from './cli-error.js';
import type { CliContext } from './cli-context.js';
import { completionCommand } from './commands/completion.js';
import { loginCommand } from './commands/login.js';
import { logoutCommand } from './commands/logout.js';
import { sessionsCommand } from './commands/sessions.js';
import { tokenCommand } from './commands/token.js';
import { tokensCommand } from './commands/tokens.js';
import { whoamiCommand } from './commands/whoami.js';
import { issuerSettings } from './config/issuer-settings.js';
import { ExitCode } from './exit-codes.js';
import { terminal } from './output/terminal.js';
import { locations } from './storage/locations.js';

function cliContext(env: NodeJS.ProcessEnv): CliContext {
  const where = locations(env, process.getuid?.() ?? 0, env.HOME || homedir());
  let interruption: AbortController | undefined;
  const now = () => new Date();
  return {
    env,
    platform: process.platform,
    term: terminal(process.stdout, process.stderr, env),
    locations: where,
    now,
    issuerSettings: (option) => issuerSettings(option, env, where.configFile),
    // openid-client, connect and the contracts load only for the commands that talk to the
    // issuer: `tessera token` with a valid token needs none of them.
    async oauth(settings) {
      const { TesseraOAuth } = await import('./oauth/tessera-oauth.js');
      return TesseraOAuth.connect(settings, now());
    },
    async authApi(issuer, accessToken) {
      const { authApi } = await import('./api/auth-api.js');
      return authApi(issuer, accessToken);
    },
    interruption() {
      if (!interruption) {
        const controller = (interruption = new AbortController());
        process.on('SIGINT', () => controller.abort());
      }
      return interruption.signal;
    },
  };
}

function program(ctx: CliContext): Command {
  const cli = new Command('tessera')
    .description('Log in to Tessera and hand access tokens to grid tools (WLCG Bearer Token Discovery)')
    .version(pkg.version)
    .showHelpAfterError('(tessera <command> --help for its options)')
    .exitOverride();
  loginCommand(cli, ctx);
  tokenCommand(cli, ctx);
  whoamiCommand(cli, ctx);
  tokensCommand(cli, ctx);
  sessionsCommand(cli, ctx);
  completionCommand(cli, ctx);
  logoutCommand(cli, ctx);
  return cli;
}

async function run(argv: string[]): Promise<number> {
  const ctx = cliContext(process.env);
  try {
    await program(ctx).parseAsync(argv);
    return ExitCode.ok;
  } catch (error) {
    // Commander has printed its message (or the help) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    if (error instanceof CliError) {
      process.stderr.write(`tessera: ${error.message}${error.hint ? `; ${error.hint}` : ''}\n`);
      if (process.env.TESSERA_DEBUG && error.cause) console.error(error.cause);
      return error.exitCode;
    }
    process.stderr.write(`tessera: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.TESSERA_DEBUG) console.error(error);
    return ExitCode.failure;
  }
}

// Exits at once, so that an abandoned poll or a kept-alive connection cannot hold the process,
// but only once stdout and stderr are flushed (pipes are asynchronous on macOS). No top-level
// await: the single-file build is CommonJS, so that Node's built-ins load only when used.
void run(process.argv).then(async (code) => {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
  process.exit(code);
});
