import type { Terminal } from './terminal.js';

/** A QR code of `text` for a phone to scan, two rows per line. On a colour terminal it is drawn
 * dark on a forced white background (scanners want that); otherwise in plain block characters. */
export async function qrCode(term: Terminal, text: string, env: NodeJS.ProcessEnv): Promise<string> {
  // Loaded here: only `tessera login` draws one.
  const { default: QRCode } = await import('qrcode');
  const colour = term.stderr.isTTY === true && !env.NO_COLOR;
  return colour ? QRCode.toString(text, { type: 'terminal', small: true }) : QRCode.toString(text, { type: 'utf8' });
}
