import { bold, type Terminal } from './terminal.js';

/** Label/value rows with the values aligned in one column; labels bold when colour is on. */
export function keyValueTable(term: Terminal, rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${bold(term, label.padEnd(width))}  ${value}`).join('\n') + '\n';
}
