import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProgram, scaleCountAsOperand } from '../../src/cli/program.js';

const argv = (...args: string[]) => ['node', 'bluegreen', ...args];

test('scale -1 reaches the command as its count; nothing else is moved', () => {
  assert.deepEqual(scaleCountAsOperand(argv('scale', '-1', '--json')), argv('scale', '--json', '--', '-1'));
  assert.deepEqual(scaleCountAsOperand(argv('scale', '+2')), argv('scale', '+2'));
  assert.deepEqual(scaleCountAsOperand(argv('scale', 'api', '-1')), argv('scale', 'api', '--', '-1'), 'after a target too');
  assert.deepEqual(scaleCountAsOperand(argv('deploy', '--scale', '-1')), argv('deploy', '--scale', '-1'), 'only the scale command');
});

test('a mistyped flag is refused, on scale too; a flag another command takes is refused where it means nothing', async () => {
  const refused = async (...args: string[]) => {
    const program = buildProgram();
    program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    program.commands.forEach((c) => c.configureOutput({ writeErr: () => undefined, writeOut: () => undefined }));
    return program.parseAsync(scaleCountAsOperand(argv(...args))).then(
      () => undefined,
      (error: { code?: string }) => error.code,
    );
  };
  assert.equal(await refused('scale', '-1', '--tmeout', '5s'), 'commander.unknownOption');
  assert.equal(await refused('history', '--drain', '5s'), 'commander.unknownOption');
});

test("each command's help lists only what applies, with an example and the exit codes", () => {
  const help = (name: string) => {
    let text = '';
    const command = buildProgram().commands.find((c) => c.name() === name)!;
    command.configureOutput({ writeOut: (chunk) => void (text += chunk) });
    command.outputHelp();
    return text;
  };
  const history = help('history');
  assert.doesNotMatch(history, /--drain|--timeout|--rule/);
  assert.match(history, /Example:\n {2}bluegreen history/);
  assert.match(history, /Exit codes: 0 done; 1 failed and reverted/);
  assert.match(help('deploy').replace(/\s+/g, ' '), /--drain <duration> [^-]*\(env BG_DRAIN; yml drain; default 10s\)/);
  assert.match(help('scale'), /Example:\n {2}bluegreen scale \+2/);
});
