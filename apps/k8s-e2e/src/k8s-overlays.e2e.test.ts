import { findRepoRoot, runDemo, type DemoTenant } from '@secret-flows/cli';
import { runOverlay, type RunningOverlay } from './support/cluster';
import { indent } from './support/pods';
import { which } from './support/which';

// The manifest-driven run: each overlay as `kubectl apply -k` would start it, then the phase-4
// demo through the gateway. Needs kubectl (kustomize, and the issuer's deliver container) and
// openssl (the API server's and the production Vault's certificates); without them it is skipped.
const missing = ['kubectl', 'openssl'].filter((c) => !which(c));
const describeIf = missing.length === 0 ? describe : describe.skip;
if (missing.length > 0)
  console.warn(
    `k8s-e2e: ${missing.join(' and ')} not installed; skipping the manifest-driven run`,
  );

const OVERLAY_TIMEOUT_MS = 100_000;

describeIf.each(['dev', 'dev-wrapped', 'production'])(
  'overlay %s, run from its rendered manifests',
  (overlay) => {
    let run: RunningOverlay | undefined;
    let startError: Error | undefined;

    beforeAll(async () => {
      try {
        run = await runOverlay({
          repoRoot: findRepoRoot(),
          overlay,
          timeoutMs: OVERLAY_TIMEOUT_MS,
        });
      } catch (err) {
        startError = err as Error;
      }
    }, OVERLAY_TIMEOUT_MS + 30_000);
    afterAll(async () => {
      await run?.stop();
    });

    const running = (): RunningOverlay => {
      if (!run) throw startError ?? new Error('the overlay did not start');
      return run;
    };

    it('completes its Jobs and every Deployment becomes ready', () => {
      const r = running();
      expect(
        r.pods
          .filter((p) => p.workload.kind === 'Deployment')
          .map((p) => p.workload.metadata.name)
          .sort(),
      ).toEqual(
        r.rendered.objects
          .filter((o) => o.kind === 'Deployment')
          .map((o) => o.metadata.name)
          .sort(),
      );
    });

    it('delivers the wallet AppRole credentials the way the manifests say, within the rendered RBAC', () => {
      const r = running();
      const issuer = r.rendered.objects.find(
        (o) => o.kind === 'Job' && o.metadata.name === 'wallet-approle-issuer',
      );
      const secretCalls = r.api.requests.filter(
        (q) =>
          q.path.endsWith('/secrets/wallet-approle') &&
          q.user.startsWith('system:serviceaccount:'),
      );
      if (issuer) {
        // The issuer's kubectl sends one PATCH and nothing the Role does not grant.
        expect(
          secretCalls.map(
            (q) => `${q.user.split(':').pop()} ${q.method} ${q.status}`,
          ),
        ).toEqual(['wallet-approle-issuer PATCH 200']);
      } else {
        expect(secretCalls).toEqual([]);
      }
      const data = r.api.get('Secret', 'wallet-approle')?.data ?? {};
      expect(Object.keys(data).sort()).toEqual(
        overlay === 'dev-wrapped'
          ? ['role_id', 'wrapped_secret_id']
          : ['role_id', 'secret_id'],
      );
    });

    it('runs the phase-4 demo flow through the gateway: two tenants onboarded, their flows, isolation', async () => {
      const r = running();
      const tenants: DemoTenant[] = [];
      for (const name of ['alice', 'bob']) {
        const res = await fetch(`${r.gatewayUrl}/cloud-agent/wallets`, {
          method: 'POST',
          headers: {
            apikey: r.apiKey,
            'x-admin-api-key': r.adminApiKey,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ name }),
        });
        const body = (await res.json()) as {
          id?: string;
          login?: { username: string; password: string };
        };
        expect({ status: res.status, hasLogin: !!body.login }).toEqual({
          status: 201,
          hasLogin: true,
        });
        tenants.push({
          id: body.id as string,
          name,
          username: body.login?.username,
          password: body.login?.password,
        });
      }
      let steps;
      try {
        steps = await runDemo({
          phase: 4,
          urls: { gateway: r.gatewayUrl, agent: '', vault: '' },
          apiKey: r.apiKey,
          adminApiKey: r.adminApiKey,
          vaultRootToken: '',
          tenants,
        });
      } catch (err) {
        const done = (
          (
            err as {
              steps?: Array<{ step: string; ok: boolean; detail: string }>;
            }
          ).steps ?? []
        ).map((s) => `${s.ok ? 'ok ' : 'FAIL'} ${s.step}: ${s.detail}`);
        throw new Error(
          `demo failed: ${(err as Error).message}\n${indent(done.join('\n'))}`,
        );
      }
      expect(steps.filter((s) => !s.ok)).toEqual([]);
      expect(steps.some((s) => /try to read .*'s secret/.test(s.step))).toBe(
        true,
      );
    });
  },
);
