/** Vault timestamps carry nanoseconds; the API promises plain ISO 8601 with milliseconds. */
export function toIsoTimestamp(value: string | Date): string {
  return new Date(value).toISOString();
}
