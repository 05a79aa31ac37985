import { createHash } from 'node:crypto';
import { isAppError } from '@secret-flows/contracts';
import type { Logger, Metrics } from '@secret-flows/telemetry';

export interface AuditEvent {
  tenantId: string;
  /** Route operation id, e.g. `signWithKey`. */
  operation: string;
  keyId?: string;
  secretName?: string;
  requestId: string;
}

export interface Audit {
  /** Records one operation and its outcome (`ok` or the error code); never a value. */
  record(event: AuditEvent, outcome: 'ok' | { error: unknown }): void;
}

/**
 * Audit events as structured log lines (docs/architecture.md, "Observability"): who, which tenant, which operation, which
 * target, result. Secret names can themselves say something (`customers/acme/api-key`), so they
 * are logged as a SHA-256 prefix that still lets an operator correlate events.
 * @example audit.record({ tenantId, operation: 'getSecret', secretName, requestId }, 'ok')
 */
export function createAudit(deps: {
  logger: Logger;
  counters: Pick<Metrics['counters'], 'auditEvents'>;
}): Audit {
  const log = deps.logger.child({ audit: true });
  return {
    record(event, outcome) {
      const result =
        outcome === 'ok'
          ? 'ok'
          : isAppError(outcome.error)
            ? outcome.error.code
            : 'internal';
      const line: Record<string, unknown> = {
        tenantId: event.tenantId,
        operation: event.operation,
        requestId: event.requestId,
        result,
      };
      if (event.keyId !== undefined) line['keyId'] = event.keyId;
      if (event.secretName !== undefined)
        line['secretNameHash'] = hashName(event.secretName);
      deps.counters.auditEvents.inc({ operation: event.operation, result });
      log.info(line, 'audit');
    },
  };
}

function hashName(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 16);
}
