import { InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../duration.js';

export const issuerOption = () => new Option('--issuer <url>', 'the Tessera issuer (default: TESSERA_ISSUER, then config.json, then the session\u2019s)');
export const jsonOption = () => new Option('--json', 'print JSON for scripts');

/** A commander argument parser for durations (12h, 10m, 1h30m, or seconds). */
export function durationArgument(value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
