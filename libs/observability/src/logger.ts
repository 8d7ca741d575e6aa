import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/**
 * Key names whose values are credentials, spelled as the RFCs and HTTP spell them. A key matches in
 * any case and with or without `_`/`-` (`refresh_token`, `refreshToken`, `Refresh-Token`), at any
 * depth, so a token passed to a log call by mistake never reaches the output. `code` (RFC 6749
 * §4.1.2) is left out on purpose: it is also the status of every gRPC and Node error.
 */
export const CREDENTIAL_KEYS = [
  'access_token', // RFC 6749 §5.1
  'refresh_token',
  'id_token', // OIDC Core §3.1.3.3
  'subject_token', // RFC 8693 §2.1
  'actor_token',
  'token', // RFC 7009 §2.1, RFC 7662 §2.1
  'device_code', // RFC 8628 §3.2
  'code_verifier', // RFC 7636 §4.5
  'client_secret', // RFC 6749 §2.3.1
  'client_assertion', // RFC 7523 §2.2
  'assertion', // RFC 7523 §2.1
  'password', // RFC 6749 §4.3.2
  'secret',
  'private_key',
  'api_key',
  'x-api-key',
  'authorization', // RFC 9110 §11.6.2
  'proxy-authorization',
  'cookie', // RFC 6265 §5.4
  'set-cookie',
] as const;

const CENSOR = '[redacted]';
const MAX_DEPTH = 16;
const ERROR_KEY = 'err';

const spelling = (key: string) => key.replace(/[-_]/g, '').toLowerCase();
const credentialSpellings = new Set<string>(CREDENTIAL_KEYS.map(spelling));
/** A listed key, or any key that names a token or a secret (`tessera-user-token`, `stateSecret`). */
const isCredential = (key: string) => {
  const spelt = spelling(key);
  return credentialSpellings.has(spelt) || spelt.endsWith('token') || spelt.endsWith('secret');
};

const MAX_CAUSES = 4;

/**
 * An error as a log line carries it: its type, its own message and stack (ours: Tessera's errors
 * never hold a token), its own fields censored, and its causes by type, code and stack frames
 * only. A cause is often another library's error (openid-client, fetch, a database driver) whose
 * message may quote a request or an answer, so its words are not trusted to be token-free.
 */
function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return censor(error, 1, new Set());
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  // pino's serializer appends every cause's message to the message and its stack to the stack.
  serialized.message = error.message;
  serialized.stack = error.stack;
  delete serialized.cause;
  const causes: { type: string; code?: string; stack?: string }[] = [];
  for (let cause = error.cause, n = 0; cause !== undefined && cause !== null && n < MAX_CAUSES; cause = (cause as { cause?: unknown }).cause, n++) {
    const type = cause instanceof Error ? cause.constructor.name : typeof cause;
    const code = typeof (cause as { code?: unknown }).code === 'string' ? (cause as { code: string }).code : undefined;
    // The frames, without the first line, which repeats the message.
    const stack = cause instanceof Error ? cause.stack?.split('\n').slice(1).join('\n') : undefined;
    causes.push({ type, ...(code ? { code } : {}), ...(stack ? { stack } : {}) });
  }
  if (causes.length > 0) serialized.causes = causes;
  return censor(serialized, 1, new Set());
}

/**
 * `value` as JSON.stringify would print it (own enumerable keys, `toJSON()`), with every credential
 * censored; a WHATWG `Headers`, which would print as `{}`, is printed by its entries. Objects are
 * copied only on the way to something censored, so a line without credentials is not copied and
 * the caller's object is never changed. `ancestors` holds the objects above `value`, to cut cycles.
 */
function censor(value: unknown, depth: number, ancestors: Set<object>): unknown {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (ancestors.has(value)) return '[Circular]';
  ancestors.add(value);
  try {
    if (value instanceof Headers) return censorFields(Object.fromEntries(value.entries()), depth, ancestors);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      // grpc-js Metadata keeps its entries in a private map and shows them only through toJSON().
      const json: unknown = toJSON.call(value);
      if (json !== value) {
        const censored = censor(json, depth, ancestors);
        return censored === json ? value : censored;
      }
    }
    if (Array.isArray(value)) return censorItems(value, depth, ancestors);
    return censorFields(value as Record<string, unknown>, depth, ancestors);
  } finally {
    ancestors.delete(value);
  }
}

function censorItems(items: unknown[], depth: number, ancestors: Set<object>): unknown[] {
  let copy: unknown[] | undefined;
  items.forEach((item, i) => {
    const censored = censor(item, depth + 1, ancestors);
    if (censored === item) return;
    copy ??= items.slice();
    copy[i] = censored;
  });
  return copy ?? items;
}

function censorFields(fields: Record<string, unknown>, depth: number, ancestors: Set<object>, skip?: string) {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(fields)) {
    const field = fields[key];
    if (key === skip || field === undefined || field === null) continue;
    const censored = isCredential(key) ? CENSOR : censor(field, depth + 1, ancestors);
    if (censored === field) continue;
    copy ??= { ...fields };
    copy[key] = censored;
  }
  return copy ?? fields;
}

export interface LoggerOptions {
  /** The app or component name, written as `name` on every line. */
  name: string;
  level?: LevelWithSilent;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const logger = pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      errorKey: ERROR_KEY,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // pino serializes the error key after formatters.log, so an error is censored once it is a
      // plain object: its message and stack are not enumerable on the Error itself.
      serializers: { [ERROR_KEY]: serializeError },
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => censorFields(fields, 0, new Set(), ERROR_KEY),
      },
    },
    (options.destination ?? process.stdout) as pino.DestinationStream,
  );
  // A child's bindings are serialized once, when it is made, past formatters.log; a child of a
  // child inherits this `child` through its prototype.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, censorFields(bindings, 0, new Set()), childOptions);
  } as Logger['child'];
  return logger;
}
