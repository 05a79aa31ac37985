import { execFile } from 'node:child_process';
import { which } from './support/which';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { findRepoRoot } from '@secret-flows/cli';
import {
  startFakeApiServer,
  type FakeApiServer,
} from './support/fake-apiserver';
import { writeInClusterKubeconfig } from './support/kubeconfig';
import { renderOverlay, type Rendered } from './support/manifests';
import { makeServerCertificate } from './support/tls';

// The real kubectl against the fake API server, with the Role and RoleBinding of the rendered
// dev overlay: what the AppRole issuer's `deliver` container may and may not do.
const kubectl = which('kubectl');
const describeWithKubectl = kubectl ? describe : describe.skip;
if (!kubectl)
  console.warn(
    'k8s-e2e: kubectl is not installed; skipping the fake API server tests',
  );

describeWithKubectl(
  'the fake API server enforces the rendered Role for the real kubectl',
  () => {
    let dir: string;
    let api: FakeApiServer;
    let rendered: Rendered;
    let issuerKubeconfig: string;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sf-k8s-api-'));
      rendered = renderOverlay(findRepoRoot(), 'dev');
      const cert = makeServerCertificate(dir, 'apiserver', ['IP:127.0.0.1']);
      api = await startFakeApiServer({
        namespace: rendered.namespace,
        objects: rendered.objects,
        tls: cert,
      });
      const saDir = path.join(dir, 'sa');
      fs.mkdirSync(saDir);
      fs.writeFileSync(
        path.join(saDir, 'token'),
        api.tokenFor('wallet-approle-issuer'),
      );
      fs.writeFileSync(path.join(saDir, 'ca.crt'), cert.caPem);
      fs.writeFileSync(path.join(saDir, 'namespace'), rendered.namespace);
      issuerKubeconfig = writeInClusterKubeconfig(
        path.join(dir, 'kubeconfig'),
        api.url,
        saDir,
      );
      fs.writeFileSync(
        path.join(dir, 'patch.json'),
        JSON.stringify({ stringData: { role_id: 'r-1', secret_id: 's-1' } }),
      );
      fs.writeFileSync(
        path.join(dir, 'secret.json'),
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'wallet-approle' },
        }),
      );
      fs.writeFileSync(
        path.join(dir, 'other.json'),
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'agent-admin-api-key' },
        }),
      );
      api.put({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'agent-admin-api-key' },
        stringData: { 'admin-api-key': 'x' },
      });
    });
    afterAll(async () => {
      await api?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>(
        (resolve) => {
          execFile(
            kubectl,
            args,
            {
              env: {
                PATH: process.env['PATH'] ?? '',
                HOME: dir,
                KUBECONFIG: issuerKubeconfig,
              },
              timeout: 30_000,
            },
            (err, stdout, stderr) =>
              resolve({
                code: err ? ((err as { code?: number }).code ?? 1) : 0,
                stdout,
                stderr,
              }),
          );
        },
      );

    it('refuses `kubectl patch secret <name>`: kubectl GETs first, the Role grants only patch, and no PATCH is ever sent', async () => {
      const before = api.requests.length;
      const res = await run([
        'patch',
        'secret',
        'wallet-approle',
        '--type=merge',
        `--patch-file=${path.join(dir, 'patch.json')}`,
      ]);
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(
        /Error from server \(Forbidden\): secrets "wallet-approle" is forbidden: User "system:serviceaccount:secret-flows-dev:wallet-approle-issuer" cannot get resource "secrets"/,
      );
      const mine = api.requests
        .slice(before)
        .filter((r) => r.path.includes('/secrets/'));
      expect(mine.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 403']);
      expect(api.get('Secret', 'wallet-approle')?.data ?? {}).toEqual({});
    });

    it('allows `kubectl patch -f <file naming the Secret>`: only a PATCH, and the Secret holds the data', async () => {
      const before = api.requests.length;
      const res = await run([
        'patch',
        '-f',
        path.join(dir, 'secret.json'),
        '--type=merge',
        `--patch-file=${path.join(dir, 'patch.json')}`,
      ]);
      expect(res.stderr).toBe('');
      expect(res.stdout).toMatch(/secret\/wallet-approle patched/);
      const mine = api.requests
        .slice(before)
        .filter((r) => r.path.includes('/secrets/'));
      expect(mine.map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 200']);
      const data = api.get('Secret', 'wallet-approle')?.data ?? {};
      expect(Buffer.from(data['role_id'] ?? '', 'base64').toString()).toBe(
        'r-1',
      );
      expect(Buffer.from(data['secret_id'] ?? '', 'base64').toString()).toBe(
        's-1',
      );
    });

    it('refuses a PATCH of another Secret (resourceNames) with the API server 403 Status', async () => {
      const res = await run([
        'patch',
        '-f',
        path.join(dir, 'other.json'),
        '--type=merge',
        `--patch-file=${path.join(dir, 'patch.json')}`,
      ]);
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(
        /\(Forbidden\): secrets "agent-admin-api-key" is forbidden: .* cannot patch resource "secrets" in API group "" in the namespace "secret-flows-dev"/,
      );
    });

    it('refuses a caller without a valid token with 401, and answers discovery to any authenticated caller', async () => {
      const anonymous = await new Promise<{ status: number; body: string }>(
        (resolve, reject) => {
          const req = https.get(
            `${api.url}/api/v1/namespaces/secret-flows-dev/secrets/wallet-approle`,
            { ca: fs.readFileSync(path.join(dir, 'sa', 'ca.crt')) },
            (res) => {
              let body = '';
              res.on('data', (c: Buffer) => (body += c.toString()));
              res.on('end', () =>
                resolve({ status: res.statusCode ?? 0, body }),
              );
            },
          );
          req.on('error', reject);
        },
      );
      expect(anonymous.status).toBe(401);
      expect(JSON.parse(anonymous.body)).toMatchObject({
        kind: 'Status',
        reason: 'Unauthorized',
        code: 401,
      });
      const listed = await run(['api-resources', '--api-group=', '-o', 'name']);
      expect(listed.stdout.split('\n')).toEqual(
        expect.arrayContaining(['configmaps', 'secrets']),
      );
    });
  },
);
