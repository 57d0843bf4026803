import { FileCategory } from '../files/file-type';
import { StorageCapabilities } from './storage-provider';
import { NoStorageProviderAvailableError, UnknownStorageProviderError } from './storage.errors';

/** One configured routing rule: every condition given must hold for the rule to apply. */
export interface SelectionRule {
  provider: string;
  minSize?: number;
  maxSize?: number;
  /** Exact types or wildcards such as `image/*`. */
  mimeTypes?: string[];
  categories?: FileCategory[];
  /** Applies when the user asked for this preference (e.g. `archive`). */
  preference?: string;
}

export interface ProviderCandidate {
  id: string;
  capabilities: StorageCapabilities;
  healthy: boolean;
}

export interface SelectionRequest {
  /** Exact size when known, otherwise an upper bound (e.g. from Content-Length), or undefined. */
  size?: number;
  mimeType: string;
  category: FileCategory;
  /** A provider id or a named preference the user asked for. */
  preference?: string;
  /** New uploads want content readable at once unless the user asked otherwise. */
  requireInstantAccess?: boolean;
}

/**
 * Chooses the provider for a file: the user's explicit provider, then the first matching rule,
 * then the default, then any provider that can take the file, skipping unhealthy or incapable ones
 * at every step. A preference that names neither a provider nor a rule is a client mistake.
 * A rule is the operator's deliberate routing, so it may send files to archive storage even when
 * the upload itself would want instant access; every other step honours that wish.
 */
export class StorageProviderSelector {
  constructor(
    private readonly rules: readonly SelectionRule[],
    private readonly defaultProviderId: string,
  ) {}

  /** Whether a preference names a configured rule (e.g. `archive`) rather than a provider. */
  knowsPreference(preference: string): boolean {
    return this.rules.some((r) => r.preference === preference);
  }

  select(request: SelectionRequest, candidates: readonly ProviderCandidate[]): string {
    const usable = (id: string | undefined, wanted: SelectionRequest = request): boolean => {
      const c = candidates.find((p) => p.id === id);
      return !!c && c.healthy && fits(c.capabilities, wanted);
    };
    const { preference } = request;
    if (
      preference &&
      !candidates.some((c) => c.id === preference) &&
      !this.rules.some((r) => r.preference === preference)
    ) {
      throw new UnknownStorageProviderError(preference);
    }
    if (preference && usable(preference)) return preference;
    for (const rule of this.rules) {
      if (matches(rule, request) && usable(rule.provider, { ...request, requireInstantAccess: false }))
        return rule.provider;
    }
    if (usable(this.defaultProviderId)) return this.defaultProviderId;
    const fallback =
      candidates.find((c) => c.healthy && fits(c.capabilities, request) && c.capabilities.instantAccess) ??
      candidates.find((c) => c.healthy && fits(c.capabilities, request));
    if (fallback) return fallback.id;
    throw new NoStorageProviderAvailableError(
      candidates.some((c) => c.healthy)
        ? 'no healthy provider accepts a file of this size and kind'
        : 'every provider is unhealthy',
    );
  }
}

function fits(capabilities: StorageCapabilities, request: SelectionRequest): boolean {
  if (request.requireInstantAccess && !capabilities.instantAccess) return false;
  if (capabilities.maxObjectSize !== null && request.size !== undefined && request.size > capabilities.maxObjectSize) {
    return false;
  }
  return true;
}

function matches(rule: SelectionRule, request: SelectionRequest): boolean {
  if (rule.preference !== undefined && rule.preference !== request.preference) return false;
  if (rule.categories && !rule.categories.includes(request.category)) return false;
  if (rule.mimeTypes && !rule.mimeTypes.some((pattern) => mimeMatches(pattern, request.mimeType))) return false;
  if (rule.minSize !== undefined && (request.size === undefined || request.size < rule.minSize)) return false;
  if (rule.maxSize !== undefined && (request.size === undefined || request.size > rule.maxSize)) return false;
  return true;
}

function mimeMatches(pattern: string, mimeType: string): boolean {
  const p = pattern.toLowerCase();
  return p.endsWith('/*') ? mimeType.startsWith(p.slice(0, -1)) : p === mimeType;
}
