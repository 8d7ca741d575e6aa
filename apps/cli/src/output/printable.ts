/**
 * Text from elsewhere (an issuer, a gateway) as the terminal may show it: one line with no
 * control characters (no escape sequences), no bidirectional overrides or line separators (which
 * could make it read as something else), at most `max` characters.
 */
export function printable(text: string, max = 300): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
  const characters = Array.from(clean);
  return characters.length > max ? `${characters.slice(0, max).join('')}…` : clean;
}
