import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { buildProgram, completionCommands } from '../../src/cli/program.js';
import { completionScript } from '../../src/cli/completion.js';

const commands = completionCommands(buildProgram());

test('completion knows every command and only the flags each takes', () => {
  const byName = Object.fromEntries(commands.map((c) => [c.name, c]));
  assert.deepEqual(
    Object.keys(byName).filter((n) => !n.startsWith('proxy ')),
    ['up', 'switch', 'stop-old', 'rollback', 'deploy', 'scale', 'flow', 'status', 'doctor', 'maintenance', 'canary', 'history', 'down', 'unlock', 'plugin', 'completion'],
  );
  assert.ok(byName['rollback']!.flags.includes('--to'));
  assert.ok(byName['doctor']!.flags.includes('--target') && byName['doctor']!.flags.includes('--traefik-api'));
  assert.equal(byName['doctor']!.flags.includes('--drain'), false, 'doctor changes nothing: no --drain');
  assert.ok(byName['history']!.flags.includes('--json'));
  assert.equal(byName['history']!.flags.includes('--drain'), false, 'history takes no --drain');
  assert.ok(byName['deploy']!.takesValue.includes('--drain'));
  assert.equal(byName['deploy']!.takesValue.includes('--keep-old'), false);
  assert.equal(byName['completion']!.flags.includes('--releases'), false, 'the hidden flag is not offered');
});

test('the bash and zsh scripts parse, and ask the store for releases after --to', () => {
  const bash = completionScript('bash', commands);
  execFileSync('bash', ['-n'], { input: bash });
  assert.match(bash, /--to\) COMPREPLY=\( \$\(compgen -W "\$\(bluegreen completion --releases/);
  assert.match(bash, /'history'\) opts='[^']*--state-dir[^']*'/);
  assert.match(completionScript('zsh', commands), /^autoload -U \+X bashcompinit && bashcompinit\n_bluegreen\(\) \{|^autoload -U \+X bashcompinit && bashcompinit\n# bluegreen/);
});

test('the fish script completes values: fixed sets, files, releases', () => {
  const fish = completionScript('fish', commands);
  assert.match(fish, /-n '__fish_seen_subcommand_from deploy' -l pull -x -a 'always missing never'/);
  assert.match(fish, /-n '__fish_seen_subcommand_from up' -l file -r -F/);
  assert.match(fish, /-n '__fish_seen_subcommand_from rollback' -l to -x -a '\(bluegreen completion --releases 2>\/dev\/null\)'/);
  assert.match(fish, /-n '__fish_seen_subcommand_from deploy' -l keep-old\n/);
  assert.match(fish, /-n '__fish_seen_subcommand_from proxy; and __fish_seen_subcommand_from up' -l traefik-api -x/);
});
