import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CreatedWalletSchema,
  WalletPageSchema,
  type CreatedWallet,
} from '@secret-flows/contracts';
import request from 'supertest';
import { DEFAULT_WALLET_ID } from '../../src/wallets/wallets.routes';
import { ADMIN_KEY, createTestApp, STARTED_AT } from '../support/test-app';

const admin = { 'x-admin-api-key': ADMIN_KEY };

describe('agent /wallets admin guard', () => {
  it('refuses every admin call with 403 when no admin key is configured, whatever key is sent', async () => {
    const { app } = createTestApp({ adminKey: { kind: 'none' } });
    const res = await request(app).get('/wallets').set(admin).expect(403);
    expect(res.body.code).toBe('forbidden');
    await request(app).get('/wallets').expect(403);
  });

  it('answers 401 without the header and 403 with a wrong key', async () => {
    const { app } = createTestApp();
    expect((await request(app).get('/wallets').expect(401)).body.code).toBe(
      'unauthorized',
    );
    expect(
      (
        await request(app)
          .get('/wallets')
          .set('x-admin-api-key', `${ADMIN_KEY}x`)
          .expect(403)
      ).body.code,
    ).toBe('forbidden');
  });

  it('checks the admin key before parsing the body', async () => {
    const { app } = createTestApp({ tenancy: 'multi' });
    await request(app)
      .post('/wallets')
      .set('content-type', 'application/json')
      .send('{broken')
      .expect(401);
  });

  it('re-reads an admin key file, so a rotated key works without a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-admin-'));
    const file = path.join(dir, 'admin-key');
    fs.writeFileSync(file, 'first-admin-key-0123456789\n');
    try {
      const { app } = createTestApp({ adminKey: { kind: 'file', path: file } });
      await request(app)
        .get('/wallets')
        .set('x-admin-api-key', 'first-admin-key-0123456789')
        .expect(200);
      fs.writeFileSync(file, 'second-admin-key-0123456789');
      await request(app)
        .get('/wallets')
        .set('x-admin-api-key', 'first-admin-key-0123456789')
        .expect(403);
      await request(app)
        .get('/wallets')
        .set('x-admin-api-key', 'second-admin-key-0123456789')
        .expect(200);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('agent /wallets in single tenancy (phases 1-3)', () => {
  const expected = {
    id: DEFAULT_WALLET_ID,
    name: 'default',
    createdAt: STARTED_AT.toISOString(),
    updatedAt: STARTED_AT.toISOString(),
  };

  it('lists exactly the default wallet in an Identus page', async () => {
    const { app } = createTestApp();
    const page = WalletPageSchema.parse(
      (await request(app).get('/wallets').set(admin).expect(200)).body,
    );
    expect(page).toMatchObject({ kind: 'WalletPage', contents: [expected] });
    expect(page.next).toBeUndefined();
    const beyond = await request(app)
      .get('/wallets?offset=1&limit=10')
      .set(admin)
      .expect(200);
    expect(beyond.body.contents).toEqual([]);
  });

  it('reads the default wallet and answers 404 for any other id', async () => {
    const { app } = createTestApp();
    expect(
      (
        await request(app)
          .get(`/wallets/${DEFAULT_WALLET_ID}`)
          .set(admin)
          .expect(200)
      ).body,
    ).toEqual(expected);
    await request(app)
      .get('/wallets/3b241101-e2bb-4255-8caf-4136c566a962')
      .set(admin)
      .expect(404);
  });

  it('answers 404 to creating or deleting wallets: provisioning is phase 4 only', async () => {
    const { app } = createTestApp();
    const created = await request(app)
      .post('/wallets')
      .set(admin)
      .send({ name: 'acme' })
      .expect(404);
    expect(created.body.detail).toMatch(/AGENT_TENANCY=multi/);
    await request(app)
      .delete(`/wallets/${DEFAULT_WALLET_ID}`)
      .set(admin)
      .expect(404);
  });
});

describe('agent /wallets in multi tenancy (phase 4)', () => {
  it('creates a wallet with a one-time login, reads, pages, deletes it', async () => {
    const { app } = createTestApp({ tenancy: 'multi' });
    const res = await request(app)
      .post('/wallets')
      .set(admin)
      .send({ name: 'acme' })
      .expect(201);
    const created: CreatedWallet = CreatedWalletSchema.parse(res.body);
    expect(created.login?.password).toBeTruthy();

    const read = await request(app)
      .get(`/wallets/${created.id}`)
      .set(admin)
      .expect(200);
    expect(read.body).toEqual({
      id: created.id,
      name: 'acme',
      createdAt: created.createdAt,
      updatedAt: created.updatedAt,
    });
    expect(read.body.login).toBeUndefined();

    await request(app).delete(`/wallets/${created.id}`).set(admin).expect(204);
    await request(app).get(`/wallets/${created.id}`).set(admin).expect(404);
  });

  it('answers 409 for a duplicate id and 400 for an invalid body', async () => {
    const { app } = createTestApp({ tenancy: 'multi' });
    const id = '3b241101-e2bb-4255-8caf-4136c566a962';
    await request(app)
      .post('/wallets')
      .set(admin)
      .send({ name: 'a', id })
      .expect(201);
    expect(
      (
        await request(app)
          .post('/wallets')
          .set(admin)
          .send({ name: 'b', id })
          .expect(409)
      ).body.code,
    ).toBe('conflict');
    await request(app)
      .post('/wallets')
      .set(admin)
      .send({ name: '' })
      .expect(400);
    await request(app)
      .post('/wallets')
      .set(admin)
      .send({ name: 'x', seed: 'abc' })
      .expect(400);
  });

  it('pages with offset and limit, with links that resolve to /wallets behind any prefix, not to the wallet service', async () => {
    const { app } = createTestApp({ tenancy: 'multi' });
    for (const name of ['a', 'b', 'c'])
      await request(app).post('/wallets').set(admin).send({ name }).expect(201);
    const first = WalletPageSchema.parse(
      (await request(app).get('/wallets?limit=2').set(admin).expect(200)).body,
    );
    expect(first.contents.map((w) => w.name)).toEqual(['a', 'b']);
    expect(
      new URL(first.next as string, 'http://gw/cloud-agent/wallets?limit=2')
        .pathname,
    ).toBe('/cloud-agent/wallets');
    const next = new URL(first.next as string, 'http://agent/wallets?limit=2');
    expect(next.search).toBe('?offset=2&limit=2');
    const second = WalletPageSchema.parse(
      (
        await request(app)
          .get(`${next.pathname}${next.search}`)
          .set(admin)
          .expect(200)
      ).body,
    );
    expect(second.contents.map((w) => w.name)).toEqual(['c']);
    expect(second.next).toBeUndefined();
    expect(second.previous).toBe('wallets?offset=0&limit=2');
    await request(app).get('/wallets?limit=1000').set(admin).expect(400);
  });
});
