// The Consul primitives the state store and lock rest on, against a real
// agent (scripts/test.sh starts a dev agent and sets CONSUL_HTTP_ADDR).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsulClient } from '../../src/runtime/consul.js';

const address = process.env.CONSUL_HTTP_ADDR ?? 'http://127.0.0.1:8500';
const consul = new ConsulClient({ address, token: process.env.CONSUL_HTTP_TOKEN });
const PREFIX = `bgtest/${process.pid}`;

after(() => consul.delete(PREFIX, { recurse: true }));

test('the agent answers and has a leader', async () => {
  assert.match(await consul.leader(), /:\d+$/);
});

test('KV put then get returns the value and a modify index', async () => {
  assert.equal(await consul.put(`${PREFIX}/plain`, 'hello'), true);
  const entry = await consul.get(`${PREFIX}/plain`);
  assert.equal(entry?.value, 'hello');
  assert.ok((entry?.modifyIndex ?? 0) > 0);
  assert.equal(await consul.get(`${PREFIX}/absent`), undefined);
});

test('a check-and-set write that lost the race is refused', async () => {
  const key = `${PREFIX}/cas`;
  assert.equal(await consul.put(key, 'v1', 0), true, 'cas=0 creates an absent key');
  assert.equal(await consul.put(key, 'again', 0), false, 'cas=0 refuses an existing key');
  const read = (await consul.get(key))!;
  // Two writers read the same index; the first wins, the second is refused.
  assert.equal(await consul.put(key, 'writer-a', read.modifyIndex), true);
  assert.equal(await consul.put(key, 'writer-b', read.modifyIndex), false);
  assert.equal((await consul.get(key))?.value, 'writer-a', 'the losing write changed nothing');
});

test('a session lock held by one holder is refused to a second', async () => {
  const key = `${PREFIX}/lock`;
  const first = await consul.createSession('bgtest-first', 15);
  const second = await consul.createSession('bgtest-second', 15);
  try {
    assert.equal(await consul.acquire(key, 'first@host', first), true);
    assert.equal(await consul.acquire(key, 'second@host', second), false);
    const held = await consul.get(key);
    assert.equal(held?.session, first);
    assert.equal(held?.value, 'first@host');
    assert.equal(await consul.release(key, first), true);
    assert.equal(await consul.acquire(key, 'second@host', second), true, 'free again after release');
    assert.equal(await consul.renewSession(second), true);
  } finally {
    await consul.destroySession(first);
    await consul.destroySession(second);
  }
});

test('an unreachable agent is exit 4 naming the address', async () => {
  const nowhere = new ConsulClient({ address: 'http://127.0.0.1:9' });
  await assert.rejects(nowhere.get('x'), (error: any) => error.exitCode === 4 && /127\.0\.0\.1:9/.test(error.message));
});
