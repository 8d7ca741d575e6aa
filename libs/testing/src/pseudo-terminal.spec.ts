import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPseudoTerminal } from './pseudo-terminal.js';

async function exited(terminal: ReturnType<typeof startPseudoTerminal>): Promise<number | undefined> {
  for (let i = 0; i < 100; i++, await sleep(50)) {
    const status = terminal.exitStatus();
    if (status !== undefined) return status;
  }
  return undefined;
}

test('a command in a pseudo terminal: it is a terminal, sees only the given environment, reads keys, and its exit status is told', async () => {
  const terminal = startPseudoTerminal(['/bin/sh', '-c', 'test -t 0 && test -t 2 && echo "tty $GREETING ${HOME:-nohome}"; read line; echo "got $line"; exit 3;'], { PATH: '/usr/bin:/bin', GREETING: "it's me;" });
  try {
    assert.match(await terminal.waitForScreen(/tty/), /^tty it's me; nohome$/m);
    assert.equal(terminal.exitStatus(), undefined, 'still running');
    terminal.sendKeys('hello', 'Enter');
    assert.match(await terminal.waitForScreen(/got/), /^got hello$/m);
    assert.equal(await exited(terminal), 3);
    assert.match(terminal.screen(), /^got hello$/m, 'the last screen stays');
  } finally {
    terminal.close();
  }
});

test('a command that ends at once, or is killed, is told apart from a success', async () => {
  for (const [script, status] of [['exit 0', 0], ['kill -9 $$', 137]] as const) {
    const terminal = startPseudoTerminal(['/bin/sh', '-c', script], {});
    try {
      assert.equal(await exited(terminal), status, script);
    } finally {
      terminal.close();
    }
  }
});
