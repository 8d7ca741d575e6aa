import { z } from 'zod';
import { resolveConfigPath } from './config-path.js';
import { Secret } from './secret.js';

/**
 * A secret given inline (`dev-web-secret`) or by file (`{ file: /run/secrets/x }`, the form for
 * Kubernetes secrets mounted as files). A file is only resolved here and read when used; each app
 * checks the secrets it uses at start-up (`checkSecrets`), so a missing file of its own still
 * stops it with the key named. Messages describe the shape only: echoing the input of a secret
 * field would print the secret.
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
    return Secret.fromFile(resolveConfigPath(input.file));
  });
