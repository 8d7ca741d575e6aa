/** A moment as people read it next to a table row: "in 42 min", "in 3 h 5 min", "2 min ago". */
export function relativeTime(at: Date, now: Date): string {
  const ms = at.getTime() - now.getTime();
  const span = humanSpan(Math.abs(ms));
  return ms >= 0 ? `in ${span}` : `${span} ago`;
}

/** A span rounded to what matters: seconds under a minute, minutes under two hours, else h and min, days past two days. */
export function humanSpan(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.round(hours / 24)} days`;
}
