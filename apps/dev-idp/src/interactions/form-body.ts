import type { IncomingMessage } from 'node:http';

/** A login form is a few hundred bytes; anything much larger is not one. */
const MAX_FORM_BYTES = 16 * 1024;

export class FormBodyError extends Error {
  override readonly name = 'FormBodyError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Reads an `application/x-www-form-urlencoded` request body. */
export async function readFormBody(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new FormBodyError('expected an application/x-www-form-urlencoded body', 415);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new FormBodyError('form body too large', 413);
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
