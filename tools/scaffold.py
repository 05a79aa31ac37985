#!/usr/bin/env python3
"""One-off scaffolding of the workspace projects (kept for reference; safe to re-run: never overwrites)."""
import json, os, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCOPE = '@secret-flows'

def write(path, content):
    full = os.path.join(ROOT, path)
    if os.path.exists(full):
        return
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, 'w') as f:
        f.write(content if isinstance(content, str) else json.dumps(content, indent=2) + '\n')

def project(kind, name, tags, deps, description):
    root = f'{kind}s/{name}'
    build_cfg = 'tsconfig.app.json' if kind == 'app' else 'tsconfig.lib.json'
    entry = 'main' if kind == 'app' else 'index'
    pkg = {
        'name': f'{SCOPE}/{name}', 'version': '0.1.0', 'private': True, 'description': description,
        'main': f'./dist/{entry}.js' if kind == 'lib' else './dist/index.js',
        'types': './dist/index.d.ts',
        'exports': {
            './package.json': './package.json',
            '.': {f'{SCOPE}/source': './src/index.ts', 'types': './dist/index.d.ts', 'default': './dist/index.js'},
        },
        'nx': {'tags': tags},
        'dependencies': {f'{SCOPE}/{d}': '*' for d in deps},
    }
    write(f'{root}/package.json', pkg)
    write(f'{root}/tsconfig.json', {'extends': '../../tsconfig.base.json', 'files': [], 'include': [],
        'references': [{'path': f'./{build_cfg}'}, {'path': './tsconfig.spec.json'}]})
    write(f'{root}/{build_cfg}', {'extends': '../../tsconfig.base.json', 'compilerOptions': {
        'rootDir': 'src', 'outDir': 'dist', 'tsBuildInfoFile': f'dist/{build_cfg.replace(".json", ".tsbuildinfo")}',
        'emitDeclarationOnly': False, 'forceConsistentCasingInFileNames': True, 'types': ['node']},
        'include': ['src/**/*.ts'], 'references': [],
        'exclude': ['jest.config.cts', 'src/**/*.spec.ts', 'src/**/*.test.ts', 'src/**/test/**', 'test/**']})
    write(f'{root}/tsconfig.spec.json', {'extends': '../../tsconfig.base.json', 'compilerOptions': {
        'outDir': './out-tsc/jest', 'types': ['jest', 'node'], 'forceConsistentCasingInFileNames': True},
        'include': ['jest.config.cts', 'src/**/*.test.ts', 'src/**/*.spec.ts', 'src/**/*.d.ts', 'test/**/*.ts'],
        'references': [{'path': f'./{build_cfg}'}]})
    write(f'{root}/.spec.swcrc', open(os.path.join(ROOT, 'tools', 'spec.swcrc')).read())
    write(f'{root}/jest.config.cts', f"""/* eslint-disable */
const {{ readFileSync }} = require('fs');

const swcJestConfig = JSON.parse(readFileSync(`${{__dirname}}/.spec.swcrc`, 'utf-8'));
swcJestConfig.swcrc = false;

module.exports = {{
  displayName: '{SCOPE}/{name}',
  preset: '../../jest.preset.js',
  transform: {{ '^.+\\\\.[tj]s$': ['@swc/jest', swcJestConfig] }},
  moduleFileExtensions: ['ts', 'js'],
  coverageDirectory: 'test-output/jest/coverage',
}};
""")
    write(f'{root}/eslint.config.mjs', "import baseConfig from '../../eslint.config.mjs';\n\nexport default [...baseConfig];\n")
    write(f'{root}/src/index.ts', '// Public API: an explicit list of exports (STYLE §2).\nexport {};\n')
    write(f'{root}/README.md', f'# {SCOPE}/{name}\n\n{description}\n')

PROJECTS = [
    ('lib', 'contracts', ['type:lib', 'scope:shared'], [], 'zod schemas of the agent and wallet APIs and the shared problem+json error body.'),
    ('lib', 'telemetry', ['type:lib', 'scope:shared'], [], 'OpenTelemetry setup, pino logger with redaction, Prometheus metrics.'),
    ('lib', 'auth', ['type:lib', 'scope:shared'], [], 'Tenant JWT verification (JWKS), agent->wallet service tokens, constant-time key checks.'),
    ('lib', 'vault-client', ['type:lib', 'scope:vault'], [], 'The one way any code talks to Vault: transport, auth strategies, token lifetime, engines.'),
    ('lib', 'wallet-core', ['type:lib', 'scope:vault'], ['vault-client'], 'The secret domain (tenant paths, seeds, keys, signing, secrets) on top of vault-client.'),
    ('lib', 'agent-vault-backend', ['type:lib', 'scope:agent-vault'], ['wallet-core', 'vault-client', 'contracts'], "The agent's direct-Vault secret backend (phases 1-2): wallet-core in-process."),
    ('app', 'vault-dev', ['type:app', 'scope:vault-dev'], [], 'A Vault-API-compatible development server (like `vault server -dev`). Never for production.'),
    ('app', 'cli', ['type:app', 'scope:cli'], ['vault-client'], 'secret-flows command: Vault bootstrap and the local platform launcher.'),
    ('app', 'wallet', ['type:app', 'scope:wallet'], ['contracts', 'auth', 'telemetry', 'wallet-core', 'vault-client'], 'The wallet service: the only Vault credential holder from phase 3 on.'),
    ('app', 'agent', ['type:app', 'scope:agent'], ['contracts', 'auth', 'telemetry'], 'The tenant-facing agent REST API.'),
    ('app', 'platform-e2e', ['type:e2e', 'scope:e2e'], ['cli'], 'End-to-end tests of the whole platform, phase 1 to 4, with real processes.'),
    ('app', 'gateway-dev', ['type:app', 'scope:gateway-dev'], ['telemetry'], 'An APISIX stand-in that reads deploy/apisix/apisix.yaml. Development only.'),
]

if __name__ == '__main__':
    only = set(sys.argv[1:])
    for p in PROJECTS:
        if not only or p[1] in only:
            project(*p)
