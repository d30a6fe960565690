import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionLostError, unreachableError, type BgError } from '../errors.js';
import type { EngineAddress } from '../plan/docker-endpoint.js';
import { sshFailure } from '../plan/ssh-failure.js';
import { cancellation } from './cancellation.js';

type SshAddress = Extract<EngineAddress, { kind: 'ssh' }>;

/** How long the shared connection outlives its last use (it also ends a little after a killed bluegreen). */
const PERSIST_SECONDS = 30;
const CONNECT_TIMEOUT_SECONDS = 15;

/**
 * One SSH connection to the engine's host, made by the user's own `ssh`
 * as the docker CLI makes it (its ssh config, keys, agent and known_hosts;
 * an unknown host key refused, never asked about: BatchMode), and shared
 * (a ControlMaster) by everything the command reaches there:
 *   - the engine, at a local Unix socket: each connection to it runs
 *     `docker system dial-stdio` on the host, as the docker CLI's ssh://
 *     does, so the host's own docker configuration decides its socket;
 *   - an address on the host's loopback (Traefik's API and entrypoint),
 *     at a local port: each connection is `ssh -W host:port`.
 * Compose and hooks get the local socket as DOCKER_HOST: one engine for all.
 */
export class SshLink {
  private readonly dir = mkdtempSync(join(tmpdir(), 'bg-ssh-'));
  private readonly control = join(this.dir, 'c');
  private readonly forwards = new Map<string, Promise<number>>();
  private lastDialError?: string;
  /** Set while ssh itself cannot reach the host (not a port there refusing): reach() then fails at once. */
  private lost?: string;

  private constructor(
    private readonly address: SshAddress,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    cancellation.onExit(() => this.close());
  }

  /** Connects (exit 4 with ssh's reason when it cannot) and serves the engine at a local socket. */
  static async open(address: SshAddress, env: NodeJS.ProcessEnv): Promise<SshLink> {
    const link = new SshLink(address, env);
    try {
      await link.connect();
      await link.serveEngine();
    } catch (error) {
      link.close();
      throw error;
    }
    return link;
  }

  /** The local socket the engine answers at. */
  get engineSocket(): string {
    return join(this.dir, 'docker.sock');
  }

  /** What went wrong on the host's side of the last engine connection that failed (e.g. no docker there). */
  get dialError(): string | undefined {
    return this.lastDialError;
  }

  /** A local port that reaches host:port as seen from the engine's host (its loopback). */
  async forward(host: string, port: number): Promise<number> {
    if (this.lost)
      throw new ConnectionLostError(`the ssh connection to ${this.url} is lost (${this.lost})`, 'check the host and the network to it; live traffic is served by Traefik there, untouched');
    const key = `${host}:${port}`;
    let local = this.forwards.get(key);
    if (!local) {
      local = this.serve({ port: 0, host: '127.0.0.1' }, () => this.watched(this.client(['-W', key])));
      this.forwards.set(key, local);
    }
    return local;
  }

  /** Ends the shared connection (at the command's exit). */
  close(): void {
    if (existsSync(this.control)) {
      const exit = spawn('ssh', [...this.controlArgs(), '-O', 'exit', ...this.destination()], { stdio: 'ignore', env: this.env, detached: true });
      exit.on('error', () => undefined);
      exit.unref();
    }
    // The socket files only: the control socket goes with its master.
    setImmediate(() => rmSync(this.dir, { recursive: true, force: true })).unref();
  }

  /**
   * The shared connection: `ssh -M` with ControlPersist goes to the
   * background once connected and authenticated, and exits 0 then; a
   * refusal (host key, key, unreachable host) is its non-zero exit and the
   * reason on stderr.
   */
  private async connect(): Promise<void> {
    // Its stderr to a file: the master, gone to the background, keeps it open.
    const errFile = join(this.dir, 'ssh.err');
    const errFd = openSync(errFile, 'w');
    const master = spawn(
      'ssh',
      [
        ...this.controlArgs(),
        '-M',
        '-o',
        `ControlPersist=${PERSIST_SECONDS}`,
        '-N',
        '-f',
        '-o',
        'BatchMode=yes',
        '-o',
        `ConnectTimeout=${CONNECT_TIMEOUT_SECONDS}`,
        '-o',
        'ServerAliveInterval=5',
        '-o',
        'ServerAliveCountMax=3',
        ...this.destination(),
      ],
      { stdio: ['ignore', 'ignore', errFd], env: this.env },
    );
    closeSync(errFd);
    const code = await new Promise<number | null>((resolve, reject) => {
      master.on('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'ENOENT'
            ? unreachableError(
                `the Docker engine at ${this.url} is reached with ssh, which is not installed here`,
                'install the OpenSSH client (Debian: openssh-client), as the docker CLI needs it too',
              )
            : error,
        ),
      );
      master.on('exit', resolve);
    });
    if (code !== 0 || !existsSync(this.control)) throw this.refused(readFileSync(errFile, 'utf8'));
  }

  private refused(stderr: string): BgError {
    const failure = sshFailure(stderr, this.address);
    return unreachableError(`the Docker engine at ${this.url} cannot be reached: ${failure.cause}`, failure.hint);
  }

  private get url(): string {
    const { user, host, port } = this.address;
    return `ssh://${user ? `${user}@` : ''}${host}${port ? `:${port}` : ''}`;
  }

  private async serveEngine(): Promise<void> {
    await this.serve({ path: this.engineSocket }, () => {
      return this.watched(this.client(['-T'], ['docker', 'system', 'dial-stdio']));
    });
  }

  /**
   * Keeps what an ssh client of the shared connection said when it failed.
   * Exit 255 is ssh's own failure: with the shared connection up, only the
   * far side refusing the port asked for ("Session open refused by peer");
   * with it gone (its control socket removed), the client's own attempt to
   * connect failed too: the link is lost.
   */
  private watched(child: ChildProcess): ChildProcess {
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => {
      const said = stderr.trim().split('\n').at(-1);
      if (code && said) this.lastDialError = said;
      if (code === 255 && !existsSync(this.control)) this.lost = said ?? 'the shared connection ended';
      else if (code === 0) this.lost = undefined;
    });
    return child;
  }

  /** A local server; each connection to it is piped through a new ssh client of the shared connection. */
  private serve(at: { path: string } | { port: number; host: string }, start: () => ChildProcess): Promise<number> {
    const server = net.createServer((socket) => {
      const child = start();
      socket.pipe(child.stdin!);
      child.stdout!.pipe(socket);
      const end = () => {
        socket.destroy();
        child.kill();
      };
      socket.on('error', end);
      socket.on('close', () => child.kill());
      child.on('error', end);
      // The far side gone (the connection cut): the request over this socket fails, the command does not crash.
      child.stdin!.on('error', end);
      child.stdout!.on('error', end);
      child.on('close', () => socket.end());
      // Neither keeps the command alive: the requests over them do.
      socket.unref();
      child.unref();
      for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
    });
    server.unref();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(at, () => {
        const bound = server.address();
        resolve(bound && typeof bound === 'object' ? bound.port : 0);
      });
    });
  }

  /** An ssh client over the shared connection (it connects again by itself if that one has ended). */
  private client(options: string[], command: string[] = []): ChildProcess {
    return spawn('ssh', [...this.controlArgs(), '-o', 'BatchMode=yes', '-o', `ConnectTimeout=${CONNECT_TIMEOUT_SECONDS}`, ...options, ...this.destination(), ...command], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: this.env,
    });
  }

  private controlArgs(): string[] {
    return ['-S', this.control];
  }

  /** As the docker CLI passes it: `-l user -p port -- host`. */
  private destination(): string[] {
    const { user, host, port } = this.address;
    return [...(user ? ['-l', user] : []), ...(port ? ['-p', String(port)] : []), '--', host];
  }
}
