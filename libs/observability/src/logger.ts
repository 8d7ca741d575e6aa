import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths whose values are credentials. pino's redaction replaces them before serialisation, so a
 * token passed to a log call by mistake never reaches the output.
 */
export const REDACTED_PATHS = [
  '*.accessToken',
  '*.refreshToken',
  '*.idToken',
  '*.subjectToken',
  '*.token',
  '*.clientSecret',
  '*.password',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
  'accessToken',
  'refreshToken',
  'idToken',
  'token',
  'password',
];

export interface LoggerOptions {
  /** The app or component name, written as `name` on every line. */
  name: string;
  level?: LevelWithSilent;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    (options.destination ?? process.stdout) as pino.DestinationStream,
  );
}
