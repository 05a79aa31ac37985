import { validateWorkflow } from '@action-validator/core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { serviceOfImage } from './env-contract';
import type { Json } from './manifests';
import { REPO_ROOT, containersOf } from './manifests';
import { OVERLAYS, itWithKubectl, render } from './rendered';

// The image pipeline (.github/workflows/images.yml) checked offline: the workflow validates
// against the GitHub workflow schema (action-validator, SchemaStore's schema), it builds one
// image per app the overlays deploy from the one Dockerfile, and the tags it pushes are the ones
// the overlays pin.

const WORKFLOW_FILE = path.join(
  REPO_ROOT,
  '.github',
  'workflows',
  'images.yml',
);
const workflowText = fs.readFileSync(WORKFLOW_FILE, 'utf8');
const workflow = parse(workflowText) as Json;
const imageJob = workflow.jobs.image as Json;
const steps = imageJob.steps as Json[];

function versionOf(app: string): string {
  return (
    JSON.parse(
      fs.readFileSync(
        path.join(REPO_ROOT, 'apps', app, 'package.json'),
        'utf8',
      ),
    ) as { version: string }
  ).version;
}

describe('the image workflow', () => {
  it('is a valid GitHub Actions workflow', () => {
    expect(validateWorkflow(workflowText).errors).toEqual([]);
  });

  it('is checked by a validator that does catch mistakes', () => {
    const broken = workflowText.replace(
      'runs-on: ubuntu-24.04',
      'runs_on: ubuntu-24.04',
    );
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  it('builds every app from the one Dockerfile with APP set, and pushes only outside pull requests', () => {
    const build = steps.find((s) =>
      String(s.uses ?? '').startsWith('docker/build-push-action@'),
    ) as Json;
    expect(build.with.file).toBe('Dockerfile');
    expect(build.with.context).toBe('.');
    expect(String(build.with['build-args']).trim()).toBe(
      'APP=${{ matrix.app }}',
    );
    expect(build.with.push).toBe("${{ github.event_name == 'push' }}");
    for (const step of steps.filter((s) => s.uses))
      expect(step.uses).toMatch(/@v\d+$|@[0-9a-f]{40}$/);
  });

  it('tags each image with its package.json version, read by the workflow itself', () => {
    const version = steps.find((s) => s.id === 'version') as Json;
    expect(version.run).toContain(
      "require('./apps/${{ matrix.app }}/package.json').version",
    );
    const build = steps.find((s) =>
      String(s.uses ?? '').startsWith('docker/build-push-action@'),
    ) as Json;
    expect(String(build.with.tags).split('\n')).toContain(
      '${{ env.REGISTRY }}/${{ matrix.app }}:${{ steps.version.outputs.version }}',
    );
  });

  itWithKubectl(
    'has an image for every app the overlays deploy, with the tag the overlays pin',
    () => {
      const matrix = [...(imageJob.strategy.matrix.app as string[])].sort();
      const deployed = new Set<string>();
      for (const { dir } of OVERLAYS) {
        for (const { container } of containersOf(render(dir))) {
          const image = container.image as string;
          const app = serviceOfImage(image);
          if (!app) continue;
          deployed.add(app);
          expect(`${dir}: ${image}`).toBe(
            `${dir}: ${image.replace(/:[^:@/]+$/, '')}:${versionOf(app)}`,
          );
        }
      }
      expect(matrix).toEqual([...deployed].sort());
    },
  );
});

describe('the production images', () => {
  itWithKubectl(
    'come from a registry placeholder that deploy/README.md tells the operator to set with kustomize edit set image',
    () => {
      const images = containersOf(render('overlays/production'))
        .map(({ container }) => container.image as string)
        .filter((image) => serviceOfImage(image));
      expect(images.length).toBeGreaterThan(0);
      for (const image of images)
        expect(image).toMatch(/^registry\.example\.invalid\/secret-flows\//);
      const readme = fs.readFileSync(
        path.join(REPO_ROOT, 'deploy', 'README.md'),
        'utf8',
      );
      expect(readme).toContain('registry.example.invalid');
      expect(readme).toMatch(/kustomize edit set image secret-flows\/agent=/);
    },
  );
});
