import type { z } from 'zod';
import { GatewayConfigError } from '../standalone/config-error';
import { describeIssues } from '../standalone/standalone-schema';

/** Validates one plugin's configuration, naming the route and plugin when it is refused. */
export function parsePluginConfig<T>(
  schema: z.ZodType<T>,
  value: unknown,
  where: { routeId: string; plugin: string },
): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new GatewayConfigError(
      describeIssues(
        `route "${where.routeId}": plugin "${where.plugin}"`,
        result.error,
      ),
    );
  }
  return result.data;
}

/** The configuration error for a setting that exists in APISIX but not in gateway-dev. */
export function notImplemented(
  routeId: string,
  plugin: string,
  what: string,
): GatewayConfigError {
  return new GatewayConfigError(
    `route "${routeId}": plugin "${plugin}": ${what} is not implemented by gateway-dev`,
  );
}
