/**
 * Why `ssh` could not connect, as one line and a hint, from what it printed:
 * bluegreen runs the user's own ssh (as the docker CLI does), so its
 * refusals are the ones the user would get from `docker -H ssh://...`.
 */
export function sshFailure(stderr: string, to: { host: string; port?: number; user?: string }): { cause: string; hint: string } {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^(Warning: Permanently added|debug\d?:)/.test(line));
  const text = lines.join('\n');
  const target = to.port ? `[${to.host}]:${to.port}` : to.host;
  const scan = `ssh-keyscan ${to.port ? `-p ${to.port} ` : ''}${to.host} >> ~/.ssh/known_hosts`;
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(text)) {
    return { cause: `the host key of ${target} is not the one in known_hosts`, hint: `if the host was rebuilt, check its new fingerprint, then ssh-keygen -R '${target}'` };
  }
  if (/Host key verification failed|No .*host key is known/i.test(text)) {
    return { cause: `the host key of ${target} is not in known_hosts, and an unknown host is refused (as the docker CLI refuses it)`, hint: `add it once its fingerprint is checked: ${scan}` };
  }
  const denied = /(?:^|\n)(\S+@\S+?): Permission denied \(([^)]*)\)/.exec(text);
  if (denied || /Permission denied/i.test(text)) {
    // ssh names the user and host it tried (the ssh config's, where the address gave an alias).
    const who = denied?.[1] ?? `${to.user ?? 'the user'}@${to.host}`;
    return { cause: `${who} refused every key ssh offered${denied ? ` (${denied[2]})` : ''}`, hint: 'load the key into ssh-agent, or name it with IdentityFile in ~/.ssh/config for that host' };
  }
  if (/Could not resolve hostname/i.test(text)) return { cause: `the host name ${to.host} does not resolve`, hint: 'check DOCKER_HOST or the docker context (and HostName in ~/.ssh/config)' };
  if (/Connection refused/i.test(text)) return { cause: `${target} refused the connection (no ssh server there?)`, hint: 'check the host and port in DOCKER_HOST or the docker context' };
  if (/timed out|No route to host|Network is unreachable/i.test(text)) return { cause: `${target} did not answer (${lastLine(lines)})`, hint: 'check the host is up and reachable from here' };
  return { cause: lastLine(lines) ?? 'ssh failed and said nothing', hint: `try: ssh ${to.port ? `-p ${to.port} ` : ''}${to.user ? `${to.user}@` : ''}${to.host} docker version` };
}

const lastLine = (lines: string[]) => lines.at(-1);
