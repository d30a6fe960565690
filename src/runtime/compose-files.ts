import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { plainProjectName } from '../plan/project-name.js';

// compose-go's defaults, in its order: the first found of each list is read.
const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const OVERRIDE_FILES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];
const NAMING_VARIABLES = ['COMPOSE_PROJECT_NAME', 'COMPOSE_FILE', 'COMPOSE_ENV_FILES'];

/**
 * The app's name from the compose files' text when it is plain there
 * (plan/project-name.ts), for commands that need nothing else from them;
 * undefined when compose must be asked (files found by walking up, two
 * default files side by side, an env file, a file on stdin).
 */
export function projectNameFromFiles(files: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    // compose names a project by the directory as the shell has it ($PWD): under a symlink
    // (`current -> releases/42`), not the physical one Node's cwd gives. Then compose decides.
    if (env.PWD && resolve(env.PWD) !== resolve(cwd)) return undefined;
    const paths = files.length ? (files.includes('-') ? undefined : files.map((file) => resolve(cwd, file))) : defaultFiles(cwd);
    if (!paths?.length) return undefined;
    const projectDir = dirname(paths[0]!);
    const outsideInfluence = NAMING_VARIABLES.some((name) => env[name]) || existsSync(join(projectDir, '.env')) || existsSync(join(cwd, '.env'));
    return plainProjectName({ texts: paths.map((path) => readFileSync(path, 'utf8')), projectDir, outsideInfluence });
  } catch {
    return undefined;
  }
}

function defaultFiles(cwd: string): string[] | undefined {
  const main = DEFAULT_FILES.filter((name) => existsSync(join(cwd, name)));
  const override = OVERRIDE_FILES.filter((name) => existsSync(join(cwd, name)));
  if (main.length !== 1 || override.length > 1) return undefined;
  return [main[0]!, ...override].map((name) => join(cwd, name));
}
