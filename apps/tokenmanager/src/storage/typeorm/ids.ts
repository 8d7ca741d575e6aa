import { randomBytes } from 'node:crypto';

/** Opaque, unique and time-ordered (a history event id sorts as its time does). */
export function timeOrderedId(prefix: string, at = Date.now()): string {
  return `${prefix}_${at.toString(36).padStart(9, '0')}${randomBytes(10).toString('hex')}`;
}
