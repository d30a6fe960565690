/**
 * `bluegreen completion bash|zsh|fish`: a completion script made from the
 * command tree itself (commands and each one's flags), with the values some
 * flags take, and release numbers for `rollback --to` read from the store
 * when completing (`bluegreen completion --releases`).
 */

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** A command as completion sees it: its name (`proxy up` for a subcommand), its long flags, and those that take a value. */
export interface CompletionCommand {
  name: string;
  flags: string[];
  takesValue: string[];
}

/** Flags whose values are a fixed set, a file, or the store's releases. */
const VALUES: Record<string, string[]> = {
  '--state': ['file', 'engine', 'consul'],
  '--pull': ['always', 'missing', 'never'],
  '--colour-header': ['all', 'preview'],
  '--flow': ['deploy', 'proxy', 'stop-old', 'scale'],
};
const FILES = ['--file', '--state-dir', '--traefik-ca'];
const RELEASES = '--to';

export function completionScript(shell: Shell, commands: CompletionCommand[]): string {
  if (shell === 'fish') return fishScript(commands);
  const bash = bashScript(commands);
  // zsh completes with bash's function through its bashcompinit layer.
  return shell === 'zsh' ? `autoload -U +X bashcompinit && bashcompinit\n${bash}` : bash;
}

function bashScript(commands: CompletionCommand[]): string {
  const top = [...new Set(commands.map((c) => c.name.split(' ')[0]!))];
  const cases = commands.map((c) => `    '${c.name}') opts='${c.flags.join(' ')}' ;;`).join('\n');
  const values = Object.entries(VALUES)
    .map(([flag, list]) => `    ${flag}) COMPREPLY=( $(compgen -W '${list.join(' ')}' -- "$cur") ); return ;;`)
    .join('\n');
  return `# bluegreen completion for bash: eval "$(bluegreen completion bash)"
_bluegreen() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
${values}
    ${FILES.join('|')}) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
    ${RELEASES}) COMPREPLY=( $(compgen -W "$(bluegreen completion --releases 2>/dev/null)" -- "$cur") ); return ;;
  esac
  if [ "$COMP_CWORD" -eq 1 ]; then COMPREPLY=( $(compgen -W '${top.join(' ')}' -- "$cur") ); return; fi
  local name="\${COMP_WORDS[1]}"
  if [ "$name" = proxy ] && [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=( $(compgen -W 'up down status' -- "$cur") ); return; fi
  [ "$name" = proxy ] && name="proxy \${COMP_WORDS[2]}"
  local opts=''
  case "$name" in
${cases}
  esac
  COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
}
complete -F _bluegreen bluegreen
`;
}

function fishScript(commands: CompletionCommand[]): string {
  const top = [...new Set(commands.map((c) => c.name.split(' ')[0]!))];
  const lines = ['# bluegreen completion for fish: bluegreen completion fish | source', 'complete -c bluegreen -f'];
  lines.push(`complete -c bluegreen -n '__fish_use_subcommand' -a '${top.join(' ')}'`);
  lines.push(`complete -c bluegreen -n '__fish_seen_subcommand_from proxy; and not __fish_seen_subcommand_from up down status' -a 'up down status'`);
  for (const command of commands) {
    const [first, second] = command.name.split(' ');
    const when = second ? `__fish_seen_subcommand_from ${first}; and __fish_seen_subcommand_from ${second}` : `__fish_seen_subcommand_from ${first}`;
    for (const flag of command.flags) {
      const long = flag.replace(/^--/, '');
      const takes = VALUES[flag]
        ? ` -x -a '${VALUES[flag]!.join(' ')}'`
        : FILES.includes(flag)
          ? ' -r -F'
          : flag === RELEASES
            ? ` -x -a '(bluegreen completion --releases 2>/dev/null)'`
            : command.takesValue.includes(flag)
              ? ' -x'
              : '';
      lines.push(`complete -c bluegreen -n '${when}' -l ${long}${takes}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
