import { Inject, Injectable } from '@nestjs/common';
import { FILE_REPOSITORY, FileRepository, FileUploaded } from '../../domain/files';
import { DomainEvent } from '../../domain/shared';
import { DomainEventSubscriber } from '../ports/domain-event-subscriber';
import { IMAGE_RENDERER, ImageRenderer, MEDIA_JOBS, MediaJobs } from './ports';

/**
 * An uploaded image gets its thumbnail and preview made in the background. Files whose bytes cannot
 * be read now (archived at upload, deleted meanwhile) and types the renderer cannot decode get none.
 * Idempotent: a redelivered event enqueues the same job id, which the queue ignores.
 */
@Injectable()
export class ThumbnailOnUploadSubscriber implements DomainEventSubscriber {
  readonly name = 'thumbnails';
  readonly events = [FileUploaded.eventName];

  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(IMAGE_RENDERER) private readonly renderer: ImageRenderer,
    @Inject(MEDIA_JOBS) private readonly jobs: MediaJobs,
  ) {}

  async handle(event: DomainEvent): Promise<void> {
    const { mimeType, archived } = (event as FileUploaded).payload;
    if (archived || !this.renderer.canRead(mimeType)) return;
    // The event is from the upload; the file may have moved on since (deleted, moved to archive storage).
    const file = await this.files.findById(event.aggregateId);
    if (!file?.hasReadableContent || !this.renderer.canRead(file.type.mimeType)) return;
    await this.jobs.enqueueThumbnails(file.id, file.ownerId);
  }
}
