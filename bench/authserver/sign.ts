// bench/authserver/sign: what signing one access token costs, jose's SignJWT (WebCrypto) against
// node:crypto's `sign` building the same compact JWS. One process, sequential, 3 s per row; run it
// pinned to one core (`taskset -c 0`) to read it per core.
// Usage: node --import tsx bench/authserver/sign.ts [-- --seconds 3]
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || fallback;
const seconds = arg('seconds', 3);

const now = Math.floor(Date.now() / 1000);
const claims = {
  iss: 'https://auth.tessera.example', sub: 'alice', aud: 'tessera', iat: now, exp: now + 1200, jti: '2b6f0cc9-4b1e-4f59-8a4e-2f1c9d7e5a10',
  client_id: 'tessera-cli', scope: 'openid tessera', group: 'dirac_user', vo: 'dirac', sid: 'f3a1c2', idp: 'dev-idp', idp_sub: 'alice',
};

async function perSecond(run: () => unknown): Promise<number> {
  for (let i = 0; i < 500; i++) await run(); // warm-up: JIT, key import caches
  let count = 0;
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    await run();
    count += 1;
  }
  return count / seconds;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
function nodeSigner(alg: 'ES256' | 'EdDSA', key: KeyObject) {
  const header = b64({ alg, typ: 'at+jwt', kid: 'k1' });
  return () => {
    const input = `${header}.${b64(claims)}`;
    const signature = alg === 'ES256' ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }) : sign(null, Buffer.from(input), key);
    return `${input}.${signature.toString('base64url')}`;
  };
}

const rows: string[][] = [];
for (const alg of ['ES256', 'EdDSA'] as const) {
  const pem = (alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519')).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  const cryptoKey = await importPKCS8(pem, alg);
  const jose = await perSecond(() => new SignJWT(claims).setProtectedHeader({ alg, typ: 'at+jwt', kid: 'k1' }).sign(cryptoKey));
  const node = await perSecond(nodeSigner(alg, createPrivateKey(pem)));
  rows.push([alg, jose.toFixed(0), node.toFixed(0), `${(node / jose).toFixed(2)}×`]);
}

const head = ['alg', 'jose SignJWT /s', 'node:crypto sign /s', 'node ÷ jose'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
console.log([line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
console.log(`node ${process.version}, sequential, ${seconds} s per cell`);
