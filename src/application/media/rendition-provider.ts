import { File } from '../../domain/files';
import { NoStorageProviderAvailableError, ProviderCandidate, StorageProvider } from '../../domain/storage';
import { StorageProviderRegistry } from '../ports';
import { ThumbnailSettings } from './ports';

/**
 * Where a file's renditions are stored: they must read instantly (a thumbnail behind a restore is
 * useless). THUMBNAIL_PROVIDER first, then the file's own provider, then the default one, then any
 * healthy instantly readable provider. Null: none reads instantly.
 */
export function chooseRenditionProvider(
  fileProviderId: string,
  settings: ThumbnailSettings,
  candidates: readonly ProviderCandidate[],
): string | null {
  const instant = (id: string | undefined) => candidates.find((c) => c.id === id && c.capabilities.instantAccess);
  const preferred = [settings.provider, fileProviderId, settings.defaultProvider].map(instant).find(Boolean);
  return (preferred ?? candidates.find((c) => c.healthy && c.capabilities.instantAccess))?.id ?? null;
}

/** The provider a file's renditions go to now; refused when none reads instantly. */
export async function renditionTarget(
  file: File,
  settings: ThumbnailSettings,
  providers: StorageProviderRegistry,
): Promise<StorageProvider> {
  const id = chooseRenditionProvider(file.primaryLocation().providerId, settings, await providers.candidates());
  if (!id) throw new NoStorageProviderAvailableError('no provider reads instantly, as thumbnails need');
  return providers.get(id);
}
