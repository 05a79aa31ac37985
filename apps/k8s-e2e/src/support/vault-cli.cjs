#!/usr/bin/env node
// A stand-in for the `vault` command line of the hashicorp/vault image, limited to what the
// AppRole issuer's `issue` container runs: `vault token renew`, `vault read -field=F PATH`,
// `vault write [-f] [-wrap-ttl=D] [-field=F] PATH [k=v ...]`. It talks to VAULT_ADDR with
// VAULT_TOKEN over the HTTP API as the real CLI does (POST auth/token/renew-self, GET/PUT
// /v1/PATH, X-Vault-Wrap-TTL); with VAULT_CACERT it trusts that CA and no other, like the CLI
// (api.Config.ConfigureTLS replaces the system pool). Anything else exits 1 with a usage error
// so a changed script fails here instead of being silently misread. Exit 2 on an API error, as
// the CLI does.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');

function fail(code, message) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function request(method, apiPath, body, headers) {
  const addr = process.env.VAULT_ADDR || 'https://127.0.0.1:8200';
  const url = new URL(`/v1/${apiPath.replace(/^\/+/, '')}`, addr);
  const client = url.protocol === 'https:' ? https : http;
  const options = {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    timeout: 60000,
  };
  if (process.env.VAULT_TOKEN)
    options.headers['x-vault-token'] = process.env.VAULT_TOKEN;
  if (process.env.VAULT_NAMESPACE)
    options.headers['x-vault-namespace'] = process.env.VAULT_NAMESPACE;
  if (url.protocol === 'https:' && process.env.VAULT_CACERT)
    options.ca = fs.readFileSync(process.env.VAULT_CACERT);
  return new Promise((resolve, reject) => {
    const req = client.request(url, options, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

function parse(args) {
  const flags = {};
  const rest = [];
  for (const a of args) {
    const m = /^--?([a-z-]+)(?:=(.*))?$/.exec(a);
    if (m && rest.length === 0) flags[m[1]] = m[2] === undefined ? true : m[2];
    else rest.push(a);
  }
  return { flags, rest };
}

async function call(method, apiPath, body, headers) {
  let res;
  try {
    res = await request(method, apiPath, body, headers);
  } catch (err) {
    fail(
      2,
      `Error making API request.\n\nURL: ${method} ${process.env.VAULT_ADDR}/v1/${apiPath}\n${err.message}`,
    );
  }
  const json = res.text ? JSON.parse(res.text) : {};
  if (res.status >= 400) {
    fail(
      2,
      `Error making API request.\n\nURL: ${method} ${process.env.VAULT_ADDR}/v1/${apiPath}\nCode: ${res.status}. Errors:\n\n${(json.errors || []).map((e) => `* ${e}`).join('\n')}`,
    );
  }
  return json;
}

function printField(json, field) {
  const value =
    field === 'wrapping_token'
      ? json.wrap_info && json.wrap_info.token
      : json.data && json.data[field];
  if (value === undefined || value === null)
    fail(1, `Field "${field}" not present in secret`);
  process.stdout.write(
    `${typeof value === 'string' ? value : JSON.stringify(value)}\n`,
  );
}

async function main() {
  const [cmd, ...argv] = process.argv.slice(2);
  const known = new Set(['field', 'f', 'force', 'wrap-ttl']);
  const { flags, rest } = parse(argv);
  for (const k of Object.keys(flags))
    if (!known.has(k))
      fail(
        1,
        `flag provided but not defined: -${k} (this stand-in implements only what the issuer Job runs)`,
      );
  const wrap = flags['wrap-ttl']
    ? { 'x-vault-wrap-ttl': String(flags['wrap-ttl']) }
    : {};
  if (cmd === 'token' && argv[0] === 'renew' && argv.length === 1) {
    const json = await call('PUT', 'auth/token/renew-self', {});
    process.stdout.write(
      `token renewed, ttl ${json.auth ? json.auth.lease_duration : '?'}\n`,
    );
    return;
  }
  if (cmd === 'read' && rest.length === 1) {
    const json = await call('GET', rest[0], undefined, wrap);
    if (flags.field) printField(json, flags.field);
    else process.stdout.write(`${JSON.stringify(json.data)}\n`);
    return;
  }
  if (cmd === 'write' && rest.length >= 1) {
    const [apiPath, ...pairs] = rest;
    if (pairs.length === 0 && !flags.f && !flags.force)
      fail(1, 'Must supply data or use -force');
    const body = Object.fromEntries(
      pairs.map((p) => [
        p.slice(0, p.indexOf('=')),
        p.slice(p.indexOf('=') + 1),
      ]),
    );
    const json = await call('PUT', apiPath, body, wrap);
    if (flags.field) printField(json, flags.field);
    else process.stdout.write('Success!\n');
    return;
  }
  fail(
    1,
    `Usage: this vault stand-in runs "token renew", "read" and "write" only (got: ${[cmd, ...argv].join(' ')})`,
  );
}

main().catch((err) => fail(2, err.message));
