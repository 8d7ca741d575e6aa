import type { z } from 'zod';
import { formatPath, known, quote, type ConfigIssue } from './config-error.js';
import { describe, schemaAt } from './schema-walk.js';

/**
 * zod's default messages, reworded for operators. No branch echoes the input except enum
 * mismatches: every secret field has its own messages, so a secret cannot reach these.
 */
export const issueMessage: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'missing';
      return `expected ${iss.expected === 'array' ? 'a list' : iss.expected === 'object' ? 'a mapping' : iss.expected}, got ${typeName(iss.input)}`;
    case 'invalid_value':
      return `expected one of ${iss.values.map((v) => quote(v)).join(', ')}, got ${quote(iss.input)}`;
    case 'too_small':
      return iss.origin === 'string' && iss.minimum === 1 ? 'must not be empty' : undefined;
    default:
      return undefined;
  }
};

function typeName(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  return typeof input === 'object' ? 'a mapping' : typeof input;
}

/** Flattens zod's issues into one line per bad key, naming unknown keys one by one. */
export function toConfigIssues(error: z.core.$ZodError, root: z.core.$ZodType): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const iss of error.issues) {
    if (iss.code === 'unrecognized_keys') {
      const node = describe(schemaAt(root, iss.path) ?? root);
      const hint = node.kind === 'object' ? ` ${known(node.keys)}` : '';
      for (const key of iss.keys) out.push({ path: formatPath([...iss.path, key]), message: `unknown key${hint}` });
    } else {
      out.push({ path: formatPath(iss.path), message: iss.message });
    }
  }
  return out;
}
