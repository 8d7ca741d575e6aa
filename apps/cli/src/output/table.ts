import { bold, type Terminal } from './terminal.js';

/** Label/value rows with the values aligned in one column; labels bold when colour is on. */
export function keyValueTable(term: Terminal, rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${bold(term, label.padEnd(width))}  ${value}`).join('\n') + '\n';
}

/** Rows under a header, each column as wide as its widest cell; the header bold when colour is on. */
export function columnsTable(term: Terminal, header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [bold(term, line(header)), ...rows.map(line)].join('\n') + '\n';
}
