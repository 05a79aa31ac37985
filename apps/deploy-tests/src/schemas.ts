import Ajv from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from 'kubernetes-models/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as batch from 'kubernetes-models/batch/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as rbac from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import type { Manifest } from './manifests';
import { readYaml } from './manifests';

type ModelClass = new (data: unknown) => { validate(): void };

// Only the API groups the manifests use; an object of any other built-in kind fails loudly.
const BUILT_IN: Record<string, Record<string, unknown>> = {
  v1: core,
  'apps/v1': apps,
  'autoscaling/v2': autoscaling,
  'batch/v1': batch,
  'networking.k8s.io/v1': networking,
  'policy/v1': policy,
  'rbac.authorization.k8s.io/v1': rbac,
};

export function isBuiltIn(object: Manifest): boolean {
  return object.apiVersion in BUILT_IN || !object.apiVersion.includes('.');
}

/** Validates a built-in object against the Kubernetes OpenAPI schema; returns the problems, none when valid. */
export function validateBuiltIn(object: Manifest): string[] {
  const group = BUILT_IN[object.apiVersion];
  const Model = group?.[object.kind] as ModelClass | undefined;
  if (!Model)
    return [
      `${object.apiVersion} ${object.kind} has no kubernetes-models class`,
    ];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [
      `${object.kind}/${object.metadata.name}: ${(error as Error).message}`,
    ];
  }
}

interface CrdFile {
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; schema: { openAPIV3Schema: object } }[];
  };
}

export type CrValidator = (object: Manifest) => string[];

/** Compiles one validator per `group/version Kind` from the CRD files in a folder (ajv, strict off for x-kubernetes-*). */
export function loadCrdValidators(dir: string): Map<string, CrValidator> {
  // strict off: CRD schemas carry x-kubernetes-* keywords. The OpenAPI integer formats are size
  // hints that the API server checks, not string formats, so ajv only needs to know their names.
  const ajv = new Ajv({ strict: false, allErrors: true });
  for (const format of ['int32', 'int64']) ajv.addFormat(format, true);
  ajv.addFormat(
    'date-time',
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  );
  const validators = new Map<string, CrValidator>();
  for (const file of fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))) {
    const crd = readYaml<CrdFile>(path.join(dir, file));
    for (const version of crd.spec.versions) {
      const validate = ajv.compile(version.schema.openAPIV3Schema);
      validators.set(
        `${crd.spec.group}/${version.name} ${crd.spec.names.kind}`,
        (object) => {
          const isValid = validate(object);
          const where = `${object.kind}/${object.metadata.name}`;
          return isValid
            ? []
            : (validate.errors ?? []).map(
                (e) => `${where}${e.instancePath}: ${e.message}`,
              );
        },
      );
    }
  }
  return validators;
}
