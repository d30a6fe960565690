import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_REGISTRY_PORT } from './ports.js';
import { eventually } from './wait.js';

/**
 * A real image registry on loopback (Debian's docker-registry, the CNCF
 * distribution registry), storage in a temporary directory. Docker pushes to
 * and pulls from 127.0.0.0/8 over plain HTTP without configuration.
 */
export class TestRegistry {
  readonly address = `127.0.0.1:${TEST_REGISTRY_PORT}`;
  private readonly dir = mkdtempSync(join(tmpdir(), 'bgt-registry-'));
  private child?: ChildProcess;

  async start(): Promise<void> {
    const config = join(this.dir, 'config.yml');
    writeFileSync(config, `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(this.dir, 'data')}\nhttp:\n  addr: ${this.address}\n`);
    // Its log (every HEAD of a blob a push checks is an "error") is not the test's output.
    this.child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
    const failed = new Promise<never>((_, reject) => this.child!.once('error', (error) => reject(new Error(`docker-registry: ${error.message} (scripts/setup.sh installs it)`))));
    await Promise.race([failed, eventually('the registry answers', async () => ((await fetch(`http://${this.address}/v2/`).catch(() => undefined))?.ok ? true : undefined), 15_000)]);
  }

  /** Stops the registry this helper started (by its pid) and removes its storage. */
  async stop(): Promise<void> {
    if (this.child?.exitCode === null) {
      const exited = new Promise((resolve) => this.child!.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
