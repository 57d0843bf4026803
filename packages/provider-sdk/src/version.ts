/** The contract version this package defines. A new major comes only with new mandatory behaviour. */
export const PROVIDER_API_VERSION = 1;

/** What a plugin declares it implements: one contract major, or several (`[1, 2]`). */
export type ApiVersionSupport = number | readonly number[];

export function declaredVersions(support: ApiVersionSupport): number[] {
  return (typeof support === 'number' ? [support] : [...support]).filter((v) => Number.isInteger(v) && v > 0);
}

/**
 * The newest contract version both sides speak, or a message naming both sides when there is none
 * ("needs 2, this server supports 1").
 */
export function negotiateApiVersion(
  plugin: ApiVersionSupport,
  host: readonly number[],
): { version: number } | { mismatch: string } {
  const wanted = declaredVersions(plugin);
  const common = wanted.filter((v) => host.includes(v));
  if (common.length) return { version: Math.max(...common) };
  const list = (vs: readonly number[]) => (vs.length ? vs.join(' or ') : 'none');
  return { mismatch: `needs contract version ${list(wanted)}, this server supports ${list(host)}` };
}
