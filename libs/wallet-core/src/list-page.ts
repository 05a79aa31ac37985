import type { TenantKv } from './tenant-kv';

export interface ListPageOptions {
  /** Most leaves in the page. */
  limit: number;
  /**
   * Most KV LIST calls the page may make. Must exceed the deepest folder chain (name segments)
   * so each page makes progress: from any position, a leaf or the end of a folder is at most
   * `maxDepth + 1` calls away.
   */
  maxCalls: number;
  /** Resume strictly after this position: a leaf path, or a folder path ending in '/' (done). */
  after?: string;
  signal?: AbortSignal;
}

export interface ListPage {
  leaves: string[];
  /** The position to resume after; undefined when the walk is complete. */
  next?: string;
}

interface Frame {
  /** Folder relative to the root, '' or ending in '/'. */
  prefix: string;
  /** Only children strictly after this one (a leaf name or a folder name ending in '/'). */
  after?: string;
  /** Children still to visit, once listed. */
  pending?: string[];
}

/**
 * One bounded page of a depth-first, lexicographic walk of the leaves below a KV folder. KV LIST
 * returns only immediate children (folders end with '/'), so a deep tree costs one call per
 * folder; the page stops at `limit` leaves or `maxCalls` calls and says where to resume, and
 * resuming re-lists only the folders on the path of that position, lazily. Children are visited
 * in sorted order, and since a folder child carries its '/', the walk's order is the sorted
 * order of the full paths.
 * @example await listPage(kv, 'tenants/acme/secrets', { limit: 100, maxCalls: 32 }) // { leaves: ['a', 'dir/b'], next: undefined }
 */
export async function listPage(
  kv: Pick<TenantKv, 'list'>,
  folder: string,
  options: ListPageOptions,
): Promise<ListPage> {
  const stack = framesAfter(options.after);
  const leaves: string[] = [];
  let calls = 0;
  let position = options.after;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.pending === undefined) {
      if (calls >= options.maxCalls) return { leaves, next: position };
      options.signal?.throwIfAborted();
      calls++;
      const children = (
        await kv.list(`${folder}/${frame.prefix}`, { signal: options.signal })
      )
        .slice()
        .sort(compare);
      frame.pending =
        frame.after === undefined
          ? children
          : children.filter((c) => compare(c, frame.after as string) > 0);
    }
    const child = frame.pending.shift();
    if (child === undefined) {
      stack.pop();
      // A finished folder is a position too, so a page of empty folders still moves on.
      if (frame.prefix !== '') position = frame.prefix;
      continue;
    }
    if (child.endsWith('/')) {
      stack.push({ prefix: frame.prefix + child });
      continue;
    }
    if (leaves.length >= options.limit) return { leaves, next: position };
    leaves.push(frame.prefix + child);
    position = frame.prefix + child;
  }
  return { leaves };
}

/** The frames (outermost first) that resume a walk strictly after `position`. */
function framesAfter(position: string | undefined): Frame[] {
  if (position === undefined) return [{ prefix: '' }];
  const isFolder = position.endsWith('/');
  const segments = (isFolder ? position.slice(0, -1) : position).split('/');
  const frames: Frame[] = [];
  let prefix = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    frames.push({ prefix, after: last && !isFolder ? segment : `${segment}/` });
    prefix += `${segment}/`;
  });
  return frames;
}

// Plain code-unit order (Vault sorts its LIST answers the same way).
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
