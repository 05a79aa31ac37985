import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StandaloneConfig } from './apisix-config';
import {
  K8S_DIR,
  REPO_ROOT,
  kubectlStatus,
  kustomizeBuild,
  readYaml,
} from './manifests';
import { OVERLAYS } from './rendered';
import {
  gatewayConfiguration,
  runValidator,
  validatorStatus,
  VALIDATOR,
} from './apisix-validator';

// The gateway configuration checked by APISIX 3.18's own Lua code (the apisix-validate tool, see
// its README): raw-text variable substitution, the YAML load, the core and plugin schemas, and
// the references between items. gateway-dev imitates these rules; this is the real thing.
const DEPLOY_APISIX = path.join(REPO_ROOT, 'deploy', 'apisix');
const APISIX_YAML = path.join(DEPLOY_APISIX, 'apisix.yaml');
const CONFIG_YAML = path.join(DEPLOY_APISIX, 'config.yaml');
// The only variable without a default; any non-empty value stands for the operator's key.
const REQUIRED = { GATEWAY_DEMO_API_KEY: 'validator-demo-key' };
// What the tool must report as loaded: every item of the file, none dropped by a schema.
const items = readYaml<StandaloneConfig>(APISIX_YAML);
const LOADED_ALL = `ok: ${items.routes.length} routes, ${items.upstreams?.length ?? 0} upstreams, ${items.consumers?.length ?? 0} consumers`;

const validator = validatorStatus();
const kubectl = kubectlStatus();
const itWithValidator = validator.available ? it : it.skip;
const itWithValidatorAndKubectl =
  validator.available && kubectl.available ? it : it.skip;
if (!validator.available) {
  console.warn(
    `SKIPPED: checking the gateway configuration with APISIX 3.18's own code (${validator.reason}).`,
  );
} else if (!kubectl.available) {
  console.warn(
    `SKIPPED: checking each overlay's gateway configuration with ${VALIDATOR} (${kubectl.reason}).`,
  );
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'apisix-validate-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('deploy/apisix checked by APISIX 3.18 (apisix-validate)', () => {
  itWithValidator(
    'accepts apisix.yaml with its defaults and config.yaml',
    () => {
      const result = runValidator(APISIX_YAML, CONFIG_YAML, REQUIRED);
      expect(result.stdout.trim()).toBe(LOADED_ALL);
      expect(result.status).toBe(0);
    },
  );

  itWithValidator(
    'accepts it with Vault over https (the production setting of the scheme variable)',
    () => {
      const result = runValidator(APISIX_YAML, CONFIG_YAML, {
        ...REQUIRED,
        VAULT_UPSTREAM_SCHEME: 'https',
      });
      expect([result.status, result.stdout]).toEqual([
        0,
        expect.stringMatching(/^ok: /),
      ]);
    },
  );

  // The checks above are only worth something if the tool catches what APISIX refuses: the
  // two mistakes this file once had, each reproduced on a copy.
  itWithValidator(
    'reports a quoted port as a string that drops the upstream and 502s its routes',
    () => {
      const copy = path.join(tmp, 'quoted-port.yaml');
      const text = fs.readFileSync(APISIX_YAML, 'utf8');
      fs.writeFileSync(
        copy,
        text.replace(
          'port: ${{AGENT_UPSTREAM_PORT:=8085}}',
          'port: "${{AGENT_UPSTREAM_PORT:=8085}}"',
        ),
      );
      const result = runValidator(copy, CONFIG_YAML, REQUIRED);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain(
        'upstreams[1].nodes[1].port: wrong type: expected integer, got string',
      );
      expect(result.stdout).toMatch(
        /routes\[\d+\]\.upstream_id: upstream "agent" is rejected .*APISIX answers 502/,
      );
    },
  );

  itWithValidator(
    'reports a variable without value or default in a comment as refusing the whole file',
    () => {
      const copy = path.join(tmp, 'comment.yaml');
      fs.writeFileSync(
        copy,
        `# set \${{UNSET_VAR}} to change it\n${fs.readFileSync(APISIX_YAML, 'utf8')}`,
      );
      const result = runValidator(copy, CONFIG_YAML, REQUIRED);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain(
        "can't find environment variable UNSET_VAR",
      );
    },
  );
});

describe.each(OVERLAYS.map((overlay) => overlay.dir))(
  'the gateway of %s checked by APISIX 3.18 (apisix-validate)',
  (dir) => {
    itWithValidatorAndKubectl(
      'loads every route, upstream and consumer with the overlay environment',
      () => {
        const gateway = gatewayConfiguration(
          kustomizeBuild(path.join(K8S_DIR, dir)),
        );
        try {
          const result = runValidator(
            gateway.apisixYaml,
            gateway.configYaml,
            gateway.env,
          );
          // On failure the tool's lines say what APISIX would refuse, and why.
          expect({
            status: result.status,
            stdout: result.stdout.trim().split('\n'),
          }).toEqual({
            status: 0,
            // The overlays ship the same apisix.yaml (a byte copy, apisix.e2e.test.ts).
            stdout: [LOADED_ALL],
          });
        } finally {
          fs.rmSync(gateway.dir, { recursive: true, force: true });
        }
      },
    );
  },
);
