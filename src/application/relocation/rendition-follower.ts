import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { StorageLocation } from '../../domain/files';
import { RENDITION_REPOSITORY, Rendition, RenditionRepository } from '../../domain/media';
import { chooseRenditionProvider } from '../media/rendition-provider';
import { THUMBNAIL_SETTINGS, ThumbnailSettings } from '../media/ports';
import { CLOCK, Clock, STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../ports';
import { RELOCATION_JOBS, RELOCATION_SETTINGS, RelocationJobs, RelocationSettings } from './ports';

/**
 * A moved file's thumbnail and preview follow it off the provider it left, to where renditions of
 * a file on its new provider go (THUMBNAIL_PROVIDER, else that provider when it reads instantly,
 * else the default): so moving every file off a provider to retire it takes their thumbnails too.
 * Renditions elsewhere (on THUMBNAIL_PROVIDER) stay. Best effort: a rendition that cannot be moved
 * now stays where it is and keeps working while that provider does; the move itself never fails
 * for it. Each copy is checked against the rendition's SHA-256; the old copies go after the grace.
 */
@Injectable()
export class RenditionFollower {
  private readonly logger = new Logger('Relocation');

  constructor(
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(RELOCATION_JOBS) private readonly jobs: RelocationJobs,
    @Inject(RELOCATION_SETTINGS) private readonly settings: RelocationSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(RENDITION_REPOSITORY) private readonly renditions?: RenditionRepository,
    @Optional() @Inject(THUMBNAIL_SETTINGS) private readonly thumbnails?: ThumbnailSettings,
  ) {}

  /** As `follow`, but a failure is logged and counts as none moved: the move itself never fails for it. */
  followBestEffort(
    fileId: string,
    leftProviderId: string,
    newProviderId: string,
    signal?: AbortSignal,
  ): Promise<number> {
    return this.follow(fileId, leftProviderId, newProviderId, signal).catch((error: Error) => {
      this.logger.warn(`file ${fileId}: its renditions stay on ${leftProviderId}: ${error.message}`);
      return 0;
    });
  }

  async follow(fileId: string, leftProviderId: string, newProviderId: string, signal?: AbortSignal): Promise<number> {
    if (!this.renditions || !this.thumbnails) return 0;
    const left = (await this.renditions.findAll(fileId)).filter(
      (r) => r.isReady && r.location!.providerId === leftProviderId,
    );
    if (left.length === 0) return 0;
    const destId = chooseRenditionProvider(newProviderId, this.thumbnails, await this.providers.candidates());
    if (!destId || destId === leftProviderId) return 0;
    const from = this.providers.get(leftProviderId);
    const dest = this.providers.get(destId);
    const moved: Rendition[] = [];
    const givenUp: { providerId: string; key: string }[] = [];
    for (const rendition of left) {
      const facts = rendition.facts!;
      try {
        const written = await dest.write(await from.read(facts.location.key), {
          maxBytes: facts.size,
          contentType: facts.contentType,
          expectedSha256: facts.sha256,
          signal,
        });
        moved.push(
          Rendition.ready(
            fileId,
            rendition.kind,
            { ...facts, location: StorageLocation.of(dest.id, written.key) },
            rendition.createdAt,
          ),
        );
        givenUp.push({ providerId: facts.location.providerId, key: facts.location.key });
      } catch (error) {
        this.logger.warn(
          `file ${fileId}: its ${rendition.kind} stays on ${leftProviderId}: ${(error as Error).message}`,
        );
      }
    }
    if (moved.length === 0) return 0;
    try {
      await this.renditions.replace(moved);
    } catch (error) {
      // Not recorded (the file was purged meanwhile): the copies just made point nowhere.
      for (const r of moved) await dest.delete(r.location!.key).catch(() => undefined);
      throw error;
    }
    await this.jobs.deleteGivenUpCopies(
      `renditions-${fileId}-${this.clock.now().getTime()}`,
      givenUp,
      this.settings.oldCopyGraceMs,
    );
    return moved.length;
  }
}
