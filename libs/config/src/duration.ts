import { z } from 'zod';
import { quote } from './config-error.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/** `"500ms" | "5s" | "2m" | "1h"` or a number of milliseconds → milliseconds. */
export const duration = z.unknown().transform((input, ctx): number => {
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0) return input;
  const match = typeof input === 'string' ? DURATION.exec(input) : null;
  if (!match) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like "500ms", "5s", "2m" or "1h", got ${quote(input)}` });
    return z.NEVER;
  }
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
});
