// node scripts/lib/tcp-forward.mjs 127.0.0.1:PORT HOST:PORT [...more pairs]
// Forwards TCP from loopback to an address inside the swarm lab's network
// namespaces (socat is not on these machines): tests and load generators talk
// to 127.0.0.1 only. Runs until killed (scripts/swarm-lab.sh keeps its pid).
import net from 'node:net';

for (const pair of process.argv.slice(2)) {
  const [listen, target] = pair.split('=');
  const [listenHost, listenPort] = listen.split(':');
  const [targetHost, targetPort] = target.split(':');
  net
    .createServer((client) => {
      const upstream = net.connect(Number(targetPort), targetHost);
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close);
      upstream.on('error', close);
    })
    .listen(Number(listenPort), listenHost);
}
