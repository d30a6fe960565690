import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPriority, excludingRule, exclusionsFor, hostsOf, shadowedBy, stillAnsweredByOld, type OwnRoute, type RouterFact } from '../../src/plan/shadowing.js';

const rule = 'Host(`shop.test`)';
const own: OwnRoute = { rule, priority: defaultPriority(rule), entryPoints: ['websecure'], ownRouters: (name) => /^shop-(blue|green)-/.test(name) };
const router = (name: string, routerRule: string, extra: Partial<RouterFact> = {}): RouterFact => ({
  name,
  rule: routerRule,
  priority: defaultPriority(routerRule),
  entryPoints: ['websecure'],
  status: 'enabled',
  ...extra,
});

test("a narrower route of another service on the same host is excluded from the colour's rule", () => {
  const api = router('shop-api@docker', 'Host(`shop.test`) && PathPrefix(`/api`)');
  const { excluded, cannot } = exclusionsFor([api], own);
  assert.deepEqual(excluded, [{ name: 'shop-api@docker', rule: api.rule }]);
  assert.deepEqual(cannot, []);
  assert.equal(excludingRule(rule, excluded), '(Host(`shop.test`)) && !(Host(`shop.test`) && PathPrefix(`/api`))');
});

test('what Traefik did not prefer over the target is left out: lower or equal priority, other hosts, other entrypoints, own routers', () => {
  const routers = [
    router('catch-all@docker', 'PathPrefix(`/`)'),
    router('old-deploy@docker', 'Host(`shop.test`)'),
    router('blog@docker', 'Host(`blog.test`) && PathPrefix(`/admin`)'),
    router('web-only@docker', 'Host(`shop.test`) && PathPrefix(`/x`)', { entryPoints: ['web'] }),
    router('shop-green-live@docker', 'Host(`shop.test`)', { priority: 100_004 }),
    router('off@docker', 'Host(`shop.test`) && Path(`/off`)', { status: 'disabled' }),
  ];
  assert.deepEqual(exclusionsFor(routers, own).excluded, []);
});

test('an explicit priority above the target wins, and so does a rule that may match any host', () => {
  const routers = [
    router('maintenance@docker', 'PathPrefix(`/`)', { priority: 500 }),
    router('regexp@docker', 'HostRegexp(`^.+\\.test$`) && Path(`/robots.txt`)'),
    // biome-ignore lint/correctness/noPrecisionLoss: Traefik's MaxInt64 - 1 as its API gives it; JSON.parse reads it this imprecisely too
    router('redirect@internal', 'HostRegexp(`^.+$`)', { priority: 9_223_372_036_854_775_806 }),
  ];
  assert.deepEqual(
    exclusionsFor(routers, own).excluded.map((r) => r.name),
    ['maintenance@docker', 'redirect@internal', 'regexp@docker'],
  );
});

test('a router with the v2 rule syntax cannot be embedded: named, not excluded', () => {
  const old = router('legacy@docker', 'Host(`shop.test`) && PathPrefix(`/legacy`)', { ruleSyntax: 'v2' });
  assert.deepEqual(exclusionsFor([old], own), { excluded: [], cannot: [{ name: 'legacy@docker', why: 'its rule uses the v2 syntax' }] });
});

test('hostsOf: the hosts a rule can match, or undefined for any', () => {
  const cases: [string, string[] | undefined][] = [
    ['Host(`A.test`)', ['a.test']],
    ['Host(`a.test`) || Host(`b.test`)', ['a.test', 'b.test']],
    ['(Host(`a.test`) || Host(`b.test`)) && PathPrefix(`/x`)', ['a.test', 'b.test']],
    ['Host(`a.test`, `c.test`)', ['a.test', 'c.test']],
    ['Host(`a.test`) || PathPrefix(`/x`)', undefined],
    ['PathPrefix(`/x`)', undefined],
    ['HostRegexp(`.+`)', undefined],
    ['Host(`a.test`) && !Path(`/x`)', undefined],
    ['Host(`a||b.test`)', ['a||b.test']],
  ];
  for (const [input, hosts] of cases) assert.deepEqual(hostsOf(input) && [...hostsOf(input)!].sort(), hosts, input);
});

test('shadowedBy names the routers preferred over the target that the live rule does not exclude', () => {
  const api = router('shop-api@docker', 'Host(`shop.test`) && PathPrefix(`/api`)');
  const added = router('shop-admin@docker', 'Host(`shop.test`) && PathPrefix(`/admin`)');
  assert.deepEqual(
    shadowedBy([api, added], own, ['shop-api@docker']).map((r) => r.name),
    ['shop-admin@docker'],
  );
  assert.deepEqual(shadowedBy([api], own, ['shop-api@docker']), []);
});

test('stillAnsweredByOld: routers the live colour leaves alone and the old one does not', () => {
  const r = (name: string) => ({ name, rule: `Path(\`/${name}\`)` });
  assert.deepEqual(stillAnsweredByOld([r('api'), r('admin')], [r('api')]), ['admin']);
  assert.deepEqual(stillAnsweredByOld([r('api')], [r('api'), r('gone')]), []);
  assert.deepEqual(stillAnsweredByOld([], []), []);
});
