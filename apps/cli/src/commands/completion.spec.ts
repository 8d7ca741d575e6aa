import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const launcher = fileURLToPath(new URL('../../bin/tessera.cjs', import.meta.url));
const completions = (shell: string, lines: string[]) =>
  execFileSync(
    'bash',
    [
      '-c',
      `source <(node ${JSON.stringify(launcher)} completion ${shell}) 2>/dev/null
       for line in "$@"; do read -ra COMP_WORDS <<< "$line"; [[ "$line" == *" " ]] && COMP_WORDS+=(""); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _tessera; echo "\${COMPREPLY[*]}"; done`,
      'completion',
      ...lines,
    ],
    // The sources, not whatever dist/ holds: this spec may run without a build before it.
    { encoding: 'utf8', env: { ...process.env, TESSERA_CLI_SOURCE: '1' } },
  )
    .trimEnd()
    .split('\n');

describe('tessera completion', () => {
  it('bash completes commands, subcommands and options, past option values', () => {
    const [top, partial, sub, option, afterValue] = completions('bash', ['tessera ', 'tessera ses', 'tessera sessions ', 'tessera sessions revoke --d', 'tessera login --group dirac_user --n']);
    for (const command of ['login', 'token', 'logout', 'whoami', 'tokens', 'sessions', 'completion']) assert.ok(top!.split(' ').includes(command), command);
    assert.equal(partial, 'sessions');
    assert.ok(sub!.split(' ').includes('revoke'));
    assert.equal(option, '--delete-idp-tokens');
    assert.equal(afterValue, '--no-browser');
  });

  it('zsh gets the same script behind bashcompinit; another shell is a usage error', () => {
    const zsh = execFileSync('node', [launcher, 'completion', 'zsh'], { encoding: 'utf8' });
    assert.match(zsh, /^autoload -U \+X bashcompinit && bashcompinit\n/);
    assert.throws(() => execFileSync('node', [launcher, 'completion', 'fish'], { stdio: 'pipe' }), (e: { status: number }) => e.status === 2);
  });
});
