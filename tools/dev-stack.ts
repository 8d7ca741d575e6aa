// `npm start`: the whole stack on one machine with its embedded defaults. Creates the dev PKI when
// it is missing, starts every app as its own process with prefixed logs, prints where each one
// listens, and stops them all on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { buildFromConfigOrExit, formatHostPort, type HostPort } from '@tessera/config';
import { ensureDevPki } from '@tessera/pki';

const APPS = ['dev-idp', 'idp-gateway', 'tokenmanager', 'authserver'] as const;
const COLORS = ['\x1b[35m', '\x1b[36m', '\x1b[33m', '\x1b[32m'];
const RESET = '\x1b[0m';
const width = Math.max(...APPS.map((a) => a.length));

const config = buildFromConfigOrExit((c) => c);
const pki = await ensureDevPki({ dir: '.dev/pki', trustDomain: config.trustDomain });
console.log(pki.created ? `created the dev PKI in ${pki.dir}` : `using the dev PKI in ${pki.dir}`);
for (const path of pki.tightened) console.warn(`tightened ${path}: group or others could read it`);

const children = new Map<string, ChildProcess>();
let stopping = false;

function prefixLines(app: string, index: number, stream: NodeJS.ReadableStream): void {
  const tag = `${COLORS[index % COLORS.length]}${app.padEnd(width)}${RESET} |`;
  createInterface({ input: stream }).on('line', (line) => console.log(`${tag} ${formatLine(line)}`));
}

// Apps log JSON lines; show them compactly for people while keeping every field.
function formatLine(line: string): string {
  try {
    const { level, msg, time: _t, pid: _p, name: _n, hostname: _h, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const fields = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    return `${String(level).padEnd(5)} ${String(msg ?? '')}${fields}`;
  } catch {
    return line;
  }
}

APPS.forEach((app, index) => {
  const child = spawn(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  children.set(app, child);
  prefixLines(app, index, child.stdout!);
  prefixLines(app, index, child.stderr!);
  child.on('exit', (code, signal) => {
    children.delete(app);
    if (!stopping) {
      console.error(`${app} exited (${signal ?? code}); stopping the stack`);
      void stop(1);
    } else if (children.size === 0) process.exit(process.exitCode ?? 0);
  });
});

const apps = config.apps;
const issuer = apps.authserver?.issuer ?? 'http://127.0.0.1:8080';
console.log(`
Tessera dev stack
  authserver    ${apps.authserver?.issuer ?? '-'}   (OAuth issuer, Connect API)
  tokenmanager  ${fmt(apps.tokenmanager?.grpc)}        (gRPC, mTLS)${apps.tokenmanager?.connect ? `  Connect: https://${fmt(apps.tokenmanager.connect)}` : ''}
  idp-gateway   ${fmt(apps.idpGateway?.grpc)}        (gRPC, mTLS)
  dev-idp       ${apps.devIdp?.issuer ?? '-'}    (OpenID Provider; accounts in config/dev.yaml)
  certificates  ${pki.dir}/ (ca.crt, <name>.crt, <name>.key; demo identities: demo-service, demo-admin)

Log in from another terminal (accounts alice/alice and bob/bob at dev-idp):
  npx tessera login --issuer ${issuer} --group dirac_user
  npx tessera token        (then whoami, tokens, sessions, logout; apps/cli/README.md)
or by hand, as any OAuth client (device flow, client tessera-cli):
  curl -s -d client_id=tessera-cli -d 'scope=g:dirac_user offline_access' ${issuer}/device_authorization
  then open the verification_uri_complete it prints, log in, and poll for the tokens:
  curl -s -d client_id=tessera-cli -d grant_type=urn:ietf:params:oauth:grant-type:device_code -d device_code=<device_code> ${issuer}/token
Discovery: ${issuer}/.well-known/oauth-authorization-server
Press Ctrl-C to stop.
`);

function fmt(hp: HostPort | undefined): string {
  return hp ? formatHostPort(hp) : '-';
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  for (const child of children.values()) child.kill('SIGTERM');
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
    process.exit(code || 1);
  }, 15_000).unref();
  if (children.size === 0) process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
