import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';

/** `tessera completion bash|zsh`: a completion script, made from the commands themselves so it
 * never falls behind them. `source <(tessera completion bash)`, or put it in ~/.bashrc. */
export function completionCommand(program: Command, ctx: CliContext): void {
  program
    .command('completion')
    .description('print a shell completion script: source <(tessera completion bash)')
    .argument('<shell>', 'bash or zsh')
    .action((shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh') throw new CliError(ExitCode.usage, `no completion for ${shell}: bash or zsh`);
      ctx.term.stdout.write(script(program, shell));
    });
}

/** Every command path (`sessions revoke`) with the words that may follow it. */
function words(command: Command, path: string[] = []): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const options = command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined));
  table.set(path.join(' '), [...command.commands.map((c) => c.name()), ...options, '--help']);
  for (const sub of command.commands) for (const [key, value] of words(sub, [...path, sub.name()])) table.set(key, value);
  return table;
}

function script(program: Command, shell: 'bash' | 'zsh'): string {
  const cases = [...words(program)]
    .sort(([a], [b]) => b.split(' ').length - a.split(' ').length)
    .map(([path, next]) => `    ${JSON.stringify(path)}) words=${JSON.stringify(next.join(' '))} ;;`)
    .join('\n');
  const body = `_tessera() {
  local path="" word words
  for word in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$word" in -*) ;; *) path="\${path:+$path }$word" ;; esac
  done
  while true; do
    case "$path" in
${cases}
    *) if [[ "$path" == *" "* ]]; then path="\${path% *}"; else path=""; fi; continue ;;
    esac
    break
  done
  COMPREPLY=( $(compgen -W "$words" -- "\${COMP_WORDS[COMP_CWORD]}") )
}
complete -F _tessera tessera
`;
  return shell === 'bash' ? body : `autoload -U +X bashcompinit && bashcompinit\n${body}`;
}
