const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration as users type it for `--lifetime` and `--min-lifetime`: `90s`, `10m`, `12h`, `2d`,
 * combinations such as `1h30m`, or a bare number of seconds (htgettoken's `--minsecs`). In ms.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = [...trimmed.matchAll(/(\d+)([smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new RangeError(`expected a duration like 90s, 10m, 12h or 1h30m, got "${text}"`);
  }
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MS[unit!]!, 0);
}
