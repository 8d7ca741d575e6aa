// bench/authserver: the load generator, in a process of its own so that it does not share the
// server's event loop. Reads one JSON spec on stdin, keeps `concurrency` HTTP/1.1 keep-alive
// connections busy with POST /token for `warmup + seconds`, prints the line `measuring` when the
// measured window starts and one JSON result line when it ends. Only requests started inside the
// window count. Answers are tallied by status and OAuth `error`.
//   cc        grant_type=client_credentials, HTTP Basic
//   refresh   grant_type=refresh_token, HTTP Basic; worker i starts from refreshTokens[i] and
//             continues with the rotated token of each answer (each token is single use)
//   device    the device_code grant of a public client; worker i polls deviceCodes[i],
//             deviceCodes[i + concurrency], … in turn
import { Agent, request } from 'node:http';

export interface LoadSpec {
  port: number;
  kind: 'cc' | 'refresh' | 'device';
  concurrency: number;
  warmup: number;
  seconds: number;
  basic?: string;
  refreshTokens?: string[];
  deviceCodes?: string[];
}

export interface LoadResult {
  calls: number;
  rps: number;
  p50: number;
  p99: number;
  answers: Record<string, number>;
  /** CPU this process used in the window, in cores. */
  clientCores: number;
}

const spec = JSON.parse(await new Promise<string>((resolve) => {
  let text = '';
  process.stdin.setEncoding('utf8').on('data', (d) => (text += d)).on('end', () => resolve(text));
})) as LoadSpec;

const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency, maxFreeSockets: spec.concurrency });
const DEVICE_GRANT = encodeURIComponent('urn:ietf:params:oauth:grant-type:device_code');

function post(body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) };
    if (spec.basic) headers.authorization = `Basic ${spec.basic}`;
    const req = request({ agent, host: '127.0.0.1', port: spec.port, method: 'POST', path: '/token', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d) => (text += d)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject).end(body);
  });
}

const answers: Record<string, number> = {};
const latencies: number[] = [];
const t0 = performance.now();
const start = t0 + spec.warmup * 1000;
const end = start + spec.seconds * 1000;
let cpu0 = process.cpuUsage();
setTimeout(() => {
  cpu0 = process.cpuUsage();
  console.log('measuring');
}, spec.warmup * 1000);

async function worker(i: number): Promise<void> {
  let refreshToken = spec.refreshTokens?.[i];
  const codes = (spec.deviceCodes ?? []).filter((_, k) => k % spec.concurrency === i);
  for (let n = 0; ; n++) {
    const began = performance.now();
    if (began >= end) return;
    let body: string;
    if (spec.kind === 'cc') body = 'grant_type=client_credentials';
    else if (spec.kind === 'refresh') body = `grant_type=refresh_token&refresh_token=${encodeURIComponent(refreshToken!)}`;
    else body = `grant_type=${DEVICE_GRANT}&client_id=tessera-cli&device_code=${encodeURIComponent(codes[n % codes.length]!)}`;
    let key: string;
    try {
      const { status, text } = await post(body);
      const json = JSON.parse(text) as { error?: string; refresh_token?: string };
      if (json.refresh_token) refreshToken = json.refresh_token;
      key = `${status} ${json.error ?? 'ok'}`;
    } catch (error) {
      key = `failed ${(error as Error).message}`;
    }
    if (began >= start) {
      latencies.push(performance.now() - began);
      answers[key] = (answers[key] ?? 0) + 1;
    }
  }
}

await Promise.all(Array.from({ length: spec.concurrency }, (_, i) => worker(i)));
const cpu = process.cpuUsage(cpu0);
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
const result: LoadResult = {
  calls: latencies.length,
  rps: latencies.length / spec.seconds,
  p50: pct(0.5),
  p99: pct(0.99),
  answers,
  clientCores: (cpu.user + cpu.system) / 1e6 / spec.seconds,
};
console.log(JSON.stringify(result));
agent.destroy();
