import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { resolveConfigPath } from './config-path.js';
import { Secret } from './secret.js';

/**
 * A secret given inline (`dev-web-secret`) or by file (`{ file: /run/secrets/x }`, the form for
 * Kubernetes secrets mounted as files). The file is read while the configuration is parsed, so a
 * missing file stops start-up. Messages here describe the shape only: echoing the input of a
 * secret field would print the secret.
 */
export const secret = z
  .union([z.string(), z.strictObject({ file: z.string().min(1) })], {
    error: 'expected a secret: a string or { file: path }',
  })
  .transform((input, ctx) => {
    if (typeof input === 'string') {
      if (input === '') ctx.addIssue({ code: 'custom', message: 'secret is empty' });
      return new Secret(input);
    }
    const path = resolveConfigPath(input.file);
    let content = '';
    try {
      // Files written by `echo` or editors end with a newline that is not part of the secret.
      content = readFileSync(path, 'utf8').replace(/[\r\n]+$/, '');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      ctx.addIssue({ code: 'custom', path: ['file'], message: `cannot read secret file ${JSON.stringify(path)} (${code})` });
      return z.NEVER;
    }
    if (content === '') ctx.addIssue({ code: 'custom', path: ['file'], message: `secret file ${JSON.stringify(path)} is empty` });
    return new Secret(content);
  });
