import type { Terminal } from './terminal.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A live line on stderr while something waits; nothing at all when stderr is not a terminal
 * (a log file should not fill with spinner frames). */
export function waitingIndicator(term: Terminal, text: () => string): { stop(): void } {
  if (term.stderr.isTTY !== true) return { stop() {} };
  let frame = 0;
  const draw = () => term.stderr.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${text()}`);
  draw();
  const timer = setInterval(draw, 120);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      term.stderr.write('\r\x1b[2K');
    },
  };
}
