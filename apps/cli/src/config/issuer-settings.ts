import { readFile } from 'node:fs/promises';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';

export const DEFAULT_CLIENT_ID = 'tessera-cli';

/** Which Tessera the CLI talks to, and as which OAuth client. */
export interface IssuerSettings {
  readonly issuer: string;
  readonly clientId: string;
  /** True when the user named it for this run (--issuer or TESSERA_ISSUER). */
  readonly explicit: boolean;
}

/**
 * `--issuer`, else `TESSERA_ISSUER`, else the config file (`{ "issuer": …, "clientId": … }`);
 * undefined when none says. The client id comes from the config file, else `tessera-cli`.
 */
export async function issuerSettings(option: string | undefined, env: NodeJS.ProcessEnv, configFile: string): Promise<IssuerSettings | undefined> {
  const file = await readConfigFile(configFile);
  const clientId = file.clientId ?? DEFAULT_CLIENT_ID;
  const named = option ?? (env.TESSERA_ISSUER || undefined);
  if (named !== undefined) return { issuer: checkedIssuer(named, option !== undefined ? '--issuer' : 'TESSERA_ISSUER'), clientId, explicit: true };
  if (file.issuer !== undefined) return { issuer: checkedIssuer(file.issuer, configFile), clientId, explicit: false };
  return undefined;
}

export function noIssuer(configFile: string): CliError {
  return new CliError(ExitCode.usage, 'no issuer configured', { hint: `give --issuer, set TESSERA_ISSUER, or write {"issuer": "https://…"} to ${configFile}` });
}

/** Checked by hand, not with zod as the services' configuration is: loading zod takes about
 * 100 ms here, more than all of `tessera token`, which reads this file on every call. */
async function readConfigFile(path: string): Promise<{ issuer?: string; clientId?: string }> {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(ExitCode.usage, `${path} is not JSON: ${(error as Error).message}`);
  }
  const { issuer, clientId, ...unknown } = (parsed ?? {}) as Record<string, unknown>;
  const extra = Object.keys(unknown);
  if (extra.length > 0) throw new CliError(ExitCode.usage, `${path}: unknown key ${extra.map((k) => `"${k}"`).join(', ')} (known: issuer, clientId)`);
  for (const [key, value] of Object.entries({ issuer, clientId })) {
    if (value !== undefined && typeof value !== 'string') throw new CliError(ExitCode.usage, `${path}: "${key}" must be a string`);
  }
  return { ...(issuer === undefined ? {} : { issuer: issuer as string }), ...(clientId === undefined ? {} : { clientId: clientId as string }) };
}

/** An http(s) URL without a trailing slash (the form the authserver's `issuer` has). */
function checkedIssuer(value: string, from: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(ExitCode.usage, `${from}: "${value}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CliError(ExitCode.usage, `${from}: the issuer must be an https:// URL`);
  return value.replace(/\/+$/, '');
}
