import type { Ora } from 'ora';
import { formatDuration } from '../plan/duration.js';

export interface StepFields {
  colour?: string;
  release?: number;
}

/**
 * Progress of a command. On a terminal: an ora spinner per step with its
 * elapsed time. Not on a terminal: one plain line per finished step. With --json: one JSON event
 * per line on stdout, and nothing else there. Human text goes to stderr, so
 * stdout stays for results (status, history, the summary line).
 */
export class Reporter {
  private readonly spinners: boolean;

  constructor(
    readonly json: boolean,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {
    this.spinners = !json && Boolean(stderr.isTTY) && Boolean(process.stdout.isTTY);
  }

  /** Run before every step: runLocked checks there that the app's lock is still this command's. */
  beforeStep?: () => Promise<void>;

  async step<T>(title: string, run: () => Promise<T>, fields: StepFields = {}, id = slug(title)): Promise<T> {
    await this.beforeStep?.();
    const started = Date.now();
    this.event({ event: 'step', step: id, state: 'started', ...fields });
    const label = `${title}${describeFields(fields)}`;
    let spinner: Ora | undefined;
    let ticker: NodeJS.Timeout | undefined;
    if (this.spinners) {
      // Loaded only on a terminal: it is a tenth of the CLI's start-up time.
      const { default: ora } = await import('ora');
      spinner = ora({ text: label, stream: this.stderr }).start();
      ticker = setInterval(() => (spinner!.text = `${label} ${formatDuration(Date.now() - started)}`), 250);
    }
    try {
      const value = await run();
      const elapsed = Date.now() - started;
      this.event({ event: 'step', step: id, state: 'done', ...fields, elapsed_ms: elapsed });
      if (spinner) spinner.succeed(`${label} ${formatDuration(elapsed)}`);
      else if (!this.json) this.stderr.write(`✓ ${label} ${formatDuration(elapsed)}\n`);
      return value;
    } catch (error) {
      const elapsed = Date.now() - started;
      this.event({ event: 'step', step: id, state: 'failed', ...fields, elapsed_ms: elapsed, message: (error as Error).message });
      if (spinner) spinner.fail(`${label} ${formatDuration(elapsed)}`);
      else if (!this.json) this.stderr.write(`✗ ${label} ${formatDuration(elapsed)}\n`);
      throw error;
    } finally {
      if (ticker) clearInterval(ticker);
    }
  }

  info(text: string): void {
    if (!this.json) this.stderr.write(`${text}\n`);
  }

  warn(text: string): void {
    this.event({ event: 'warning', message: text });
    if (!this.json) this.stderr.write(`warning: ${text}\n`);
  }

  /** The command's own output: a line on stdout, or with --json the given event. */
  result(line: string, event: Record<string, unknown>): void {
    if (this.json) this.event({ event: 'result', ...event });
    else process.stdout.write(`${line}\n`);
  }

  /** One NDJSON line, stamped with the time it happened (for CI timelines). */
  event(event: Record<string, unknown>): void {
    if (this.json) process.stdout.write(`${JSON.stringify({ ...event, at: new Date().toISOString() })}\n`);
  }
}

const slug = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

function describeFields(fields: StepFields): string {
  const parts = [fields.colour, fields.release === undefined ? undefined : `release ${fields.release}`].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
