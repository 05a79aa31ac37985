import { hash } from 'node:crypto';
import { GatewayConfigError } from '../standalone/config-error';
import type { ConsumerConfig } from '../standalone/standalone-schema';
import { keyAuthConsumerSchema } from './key-auth.plugin';
import type { ConsumerDirectory, ConsumerIdentity } from './plugin.types';
import { describeIssues } from '../standalone/standalone-schema';

// Keys are looked up by their SHA-256 digest: the lookup time then depends on the digest,
// which tells an attacker nothing about the key itself (no byte-by-byte comparison).
const digest = (key: string) => hash('sha256', key, 'base64');

/**
 * Indexes the consumers' key-auth credentials. A consumer plugin other than key-auth, a
 * duplicate key or an empty key refuses the configuration: an empty key would let an empty
 * `apikey` header in, which APISIX itself would accept.
 */
export function createConsumerDirectory(
  consumers: readonly ConsumerConfig[],
  emptyVariables: readonly string[] = [],
): ConsumerDirectory {
  const emptyHint =
    emptyVariables.length > 0
      ? ` (set but empty in the environment: ${emptyVariables.join(', ')})`
      : '';
  const byDigest = new Map<string, ConsumerIdentity>();
  for (const consumer of consumers) {
    const where = `consumer "${consumer.username}"`;
    for (const plugin of Object.keys(consumer.plugins)) {
      if (plugin !== 'key-auth') {
        throw new GatewayConfigError(
          `${where}: plugin "${plugin}" is not implemented by gateway-dev`,
        );
      }
    }
    if (consumer.plugins['key-auth'] === undefined) continue;
    const parsed = keyAuthConsumerSchema.safeParse(
      consumer.plugins['key-auth'],
    );
    if (!parsed.success)
      throw new GatewayConfigError(
        describeIssues(`${where}: plugin "key-auth"`, parsed.error),
      );
    if (parsed.data.key.length === 0) {
      throw new GatewayConfigError(
        `${where}: plugin "key-auth": key is empty${emptyHint}; an empty key would let an empty apikey header authenticate`,
      );
    }
    const keyDigest = digest(parsed.data.key);
    if (byDigest.has(keyDigest))
      throw new GatewayConfigError(
        `${where}: plugin "key-auth": key is used by another consumer`,
      );
    byDigest.set(keyDigest, {
      username: consumer.username,
      customId: consumer.labels?.['custom_id'],
    });
  }
  return {
    findByKey: (key) => byDigest.get(digest(key)),
  };
}
