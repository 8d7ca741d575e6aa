const UNITS: [seconds: number, one: string, many: string][] = [
  [86_400, 'day', 'days'],
  [3_600, 'hour', 'hours'],
  [60, 'minute', 'minutes'],
  [1, 'second', 'seconds'],
];

/** 5400 → "1 hour 30 minutes": the two largest non-zero units, enough for a consent screen. */
export function describeDuration(totalSeconds: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.floor(totalSeconds));
  for (const [size, one, many] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 && parts.length < 2) parts.push(`${count} ${count === 1 ? one : many}`);
  }
  return parts.length === 0 ? '0 seconds' : parts.join(' ');
}

const FIXED: Record<string, string> = {
  openid: 'Confirm who you are (your Tessera user ID)',
  profile: 'See your name and user name',
  offline_access: 'Keep access after this window is closed, until you sign out or the session ends',
};

/** What a requested scope lets the client do, in words for the consent screen (RFC 8628 §5.4). */
export function describeScope(scope: string): string {
  const fixed = FIXED[scope];
  if (fixed !== undefined) return fixed;
  if (scope.startsWith('g:') && scope.length > 2) return `Act as a member of the group ${scope.slice(2)}`;
  const lifetime = /^lifetime:(\d+)$/.exec(scope);
  if (lifetime?.[1] !== undefined) return `Get access tokens valid for up to ${describeDuration(Number(lifetime[1]))}`;
  return `Other permission: ${scope}`;
}
