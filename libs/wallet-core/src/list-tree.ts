import type { TenantKv } from './tenant-kv';
import { mapLimited } from './map-limited';

/**
 * Lists every leaf below a KV folder, recursively, as paths relative to it, sorted.
 * KV LIST only returns immediate children (folders end with '/'), so names containing '/'
 * need one LIST per folder level.
 * @example await listTree(kv, 'tenants/acme/secrets', { maxDepth: 16, concurrency: 8 }) // ['a', 'dir/b']
 */
export async function listTree(
  kv: Pick<TenantKv, 'list'>,
  folder: string,
  options: { maxDepth: number; concurrency: number },
): Promise<string[]> {
  const leaves: string[] = [];
  let level = [''];
  for (let depth = 0; depth < options.maxDepth && level.length > 0; depth++) {
    const children = await mapLimited(
      level,
      options.concurrency,
      async (prefix) =>
        (await kv.list(`${folder}/${prefix}`)).map((child) => prefix + child),
    );
    level = [];
    for (const child of children.flat()) {
      if (child.endsWith('/')) level.push(child);
      else leaves.push(child);
    }
  }
  return leaves.sort();
}
