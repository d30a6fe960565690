/**
 * The app's name as `docker compose` would give it, read from the compose
 * files' text without running compose, for the commands that only need the
 * name (status, history): `docker compose config` is ~0.1 s of the 0.2 s a
 * status may take. Only the plain cases are answered; anything compose
 * would compute (interpolation, an env file, COMPOSE_* variables, quoting)
 * is `undefined`, and the caller asks compose.
 */
export interface ProjectNameInputs {
  /** The compose files' texts, in the order compose reads them (the last `name:` wins). */
  texts: string[];
  /** The directory of the first file: its name is the project's when no file names one. */
  projectDir: string;
  /** Whether anything outside the files may set the name (COMPOSE_PROJECT_NAME, COMPOSE_FILE, a .env file). */
  outsideInfluence: boolean;
}

const VALID_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export function plainProjectName(inputs: ProjectNameInputs): string | undefined {
  if (inputs.outsideInfluence || !inputs.texts.length) return undefined;
  let named: string | undefined;
  for (const text of inputs.texts) {
    const found = topLevelName(text);
    if (found === null) return undefined;
    if (found !== undefined) named = found;
  }
  if (named !== undefined) return VALID_NAME.test(named) ? named : undefined;
  const base = inputs.projectDir.split(/[\\/]/).filter(Boolean).pop() ?? '';
  // compose-go's NormalizeProjectName: lower case, only [a-z0-9_-], no leading - or _.
  const normalised = [...base.toLowerCase()]
    .filter((c) => /[a-z0-9_-]/.test(c))
    .join('')
    .replace(/^[-_]+/, '');
  return normalised || undefined;
}

/** A block-style document's top-level `name:` (undefined: none), or null when the text is not plain enough to tell. */
function topLevelName(text: string): string | undefined | null {
  const lines = text.split(/\r?\n/);
  const firstContent = lines.find((line) => line.trim() && !line.trimStart().startsWith('#'));
  // Flow style (JSON), several documents, or a BOM: compose decides.
  if (firstContent && /^\s*[{[]|^\uFEFF/.test(firstContent)) return null;
  if (lines.some((line) => /^(---|\.\.\.)(\s|$)/.test(line) && line !== lines[0])) return null;
  let found: string | undefined;
  for (const line of lines) {
    const match = /^name\s*:(.*)$/.exec(line);
    if (!match) continue;
    const value = match[1]!.replace(/\s+#.*$/, '').trim();
    if (!/^[A-Za-z0-9_.-]+$/.test(value)) return null;
    found = value;
  }
  return found;
}
