/**
 * Why the gateway refused its configuration. The dev gateway never starts with a config it
 * cannot honour (ADR 0005), so every loading problem ends up here with a readable message.
 */
export class GatewayConfigError extends Error {
  override readonly name = 'GatewayConfigError';
}
