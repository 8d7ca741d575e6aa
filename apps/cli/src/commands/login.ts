import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { noIssuer, type IssuerSettings } from '../config/issuer-settings.js';
import { interruptible } from '../interruptible.js';
import { peekClaims } from '../oauth/access-token-claims.js';
import type { DeviceAuthorization } from '../oauth/tessera-oauth.js';
import { hasBrowser, openBrowser } from '../output/browser.js';
import { qrCode } from '../output/qr-code.js';
import { humanSpan, relativeTime } from '../output/relative-time.js';
import { bold } from '../output/terminal.js';
import { waitingIndicator } from '../output/waiting-indicator.js';
import { removeAccessTokenFile, revokeSession } from '../services/end-session.js';
import { storeTokens } from '../services/store-tokens.js';
import { readSession, withSessionLock, type StoredSession } from '../storage/session-file.js';
import { durationArgument, issuerOption, jsonOption } from './options.js';

interface LoginOptions {
  group?: string;
  scope?: string[];
  lifetime?: number;
  browser: boolean;
  issuer?: string;
  json?: boolean;
}

/** `tessera login`: the device authorization grant (RFC 8628), approved in any browser. */
export function loginCommand(program: Command, ctx: CliContext): void {
  program
    .command('login')
    .description('log in: approve this terminal in a browser, on this machine or on your phone')
    .option('--group <group>', 'the group to act in (scope g:<group>); without it you pick one when several fit')
    .option('--scope <scopes>', 'further scopes, e.g. "openid profile" (repeatable)', (value: string, all: string[] | undefined) => [...(all ?? []), ...value.split(/\s+/).filter(Boolean)])
    .option('--lifetime <duration>', 'how long each access token lives, e.g. 12h (scope lifetime:<seconds>)', durationArgument)
    .option('--no-browser', 'do not open a browser; just show the address and the QR code')
    .addOption(issuerOption())
    .addOption(jsonOption())
    .action((options: LoginOptions) => login(ctx, options));
}

async function login(ctx: CliContext, options: LoginOptions): Promise<void> {
  const settings = await ctx.issuerSettings(options.issuer);
  if (!settings) throw noIssuer(ctx.locations.configFile);
  const interrupted = ctx.interruption();
  const oauth = await interruptible(ctx.oauth(settings), interrupted, 'login');
  const started = await interruptible(oauth.startDeviceLogin(requestedScope(options)), interrupted, 'login');
  await showHowToApprove(ctx, started, options.browser);
  const deadline = new Date(ctx.now().getTime() + started.expiresIn);
  const waiting = waitingIndicator(ctx.term, () => `Waiting for you to approve (the code expires ${relativeTime(deadline, ctx.now())}); Ctrl-C cancels`);
  let tokens;
  try {
    tokens = await interruptible(oauth.pollDeviceLogin(started, interrupted), interrupted, 'login');
  } finally {
    waiting.stop();
  }
  // From here on Ctrl-C does not stop the files being written: in a moment, and never half.
  const { stored: session, previous } = await withSessionLock(ctx.locations.sessionFile, async () => {
    const replaced = await readSession(ctx.locations.sessionFile).catch(() => undefined);
    const stored = await storeTokens(ctx, settings, tokens, oauth.issuerMetadata);
    // Under the lock: a refresh of the new session could otherwise write the file being judged.
    if (replaced) await removePreviousAccessToken(ctx, replaced, stored, tokens.accessToken);
    return { stored, previous: replaced };
  });
  report(ctx, settings, session.scope, tokens.accessToken, session.accessTokenFile, options.json === true);
  // Outside the lock: only this process still holds the previous refresh token.
  if (previous) await endPrevious(ctx, previous, interrupted);
}

/** How long a login waits for the previous session's issuer to end it. */
const END_PREVIOUS_TIMEOUT_MS = 5_000;

/**
 * The login replaced `previous`: it is ended at its issuer too, so that no refresh token lives on
 * that nobody holds any more. Only a warning when that fails, takes more than 5 s or is skipped
 * with Ctrl-C: the new login stands, and the previous session expires by itself.
 */
async function endPrevious(ctx: CliContext, previous: StoredSession, interrupted: AbortSignal): Promise<void> {
  const stop = AbortSignal.any([interrupted, AbortSignal.timeout(END_PREVIOUS_TIMEOUT_MS)]);
  try {
    await interruptible(revokeSession(ctx, previous, { everywhere: false }), stop, 'ending the previous session');
  } catch (error) {
    const why = interrupted.aborted ? 'skipped with Ctrl-C' : stop.aborted ? `no answer within ${END_PREVIOUS_TIMEOUT_MS / 1000} s` : error instanceof Error ? error.message : String(error);
    ctx.term.stderr.write(`tessera: the previous session at ${previous.issuer} was not ended (${why}); it expires by itself\n`);
  }
}

/** The previous session's access token file goes unless it is the one just written. */
async function removePreviousAccessToken(ctx: CliContext, previous: StoredSession, current: StoredSession, accessToken: string): Promise<void> {
  try {
    await removeAccessTokenFile(previous, { keep: { path: current.accessTokenFile, token: accessToken } });
  } catch (error) {
    ctx.term.stderr.write(`tessera: ${previous.accessTokenFile}, the previous session's access token, was not removed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

/** RFC 8628 scopes as README "Logging in" lists them; offline_access for the refresh token. */
export function requestedScope(options: Pick<LoginOptions, 'group' | 'lifetime' | 'scope'>): string {
  const scopes = [
    ...(options.group ? [`g:${options.group}`] : []),
    ...(options.lifetime !== undefined ? [`lifetime:${Math.round(options.lifetime / 1000)}`] : []),
    'offline_access',
    ...(options.scope ?? []),
  ];
  return [...new Set(scopes)].join(' ');
}

async function showHowToApprove(ctx: CliContext, started: DeviceAuthorization, browser: boolean): Promise<void> {
  const { stderr } = ctx.term;
  const complete = started.verificationUriComplete;
  stderr.write(`To log in, open ${bold(ctx.term, started.verificationUri)} and enter the code ${bold(ctx.term, started.userCode)}\n`);
  if (complete) {
    stderr.write(`or open ${complete}\nor scan:\n${await qrCode(ctx.term, complete, ctx.env)}\n`);
    if (browser && hasBrowser(ctx.env, ctx.platform) && (await openBrowser(complete))) stderr.write('(opened in your browser)\n');
  }
  stderr.write(`The code is valid for ${humanSpan(started.expiresIn)}.\n`);
}

function report(ctx: CliContext, settings: IssuerSettings, scope: string, accessToken: string, file: string, json: boolean): void {
  const claims = peekClaims(accessToken) ?? {};
  const expiresAt = claims.exp === undefined ? undefined : new Date(claims.exp * 1000);
  if (json) {
    ctx.term.stdout.write(`${JSON.stringify({ issuer: settings.issuer, subject: claims.sub, group: claims.group, scope, accessTokenFile: file, expiresAt: expiresAt?.toISOString() })}\n`);
    return;
  }
  const who = `${claims.sub ?? 'unknown'}${claims.group ? ` in ${claims.group}` : ''}`;
  const expiry = expiresAt ? `, expires ${relativeTime(expiresAt, ctx.now())}` : '';
  ctx.term.stdout.write(`Logged in to ${settings.issuer} as ${who}; access token in ${file}${expiry}\n`);
}
