import { Command } from '@nestjs/cqrs';
import { RenditionKind } from '../../../domain/media';

export type ThumbnailsOutcome =
  | { generated: RenditionKind[]; providerId: string }
  /** Nothing to do: already made, the file gone, not (or no longer) a readable image. */
  | { skipped: string };

/** Makes a file's renditions. Throws ImageUnreadableError (recorded as failed) when the original cannot be decoded. */
export class GenerateThumbnailsCommand extends Command<ThumbnailsOutcome> {
  constructor(
    readonly fileId: string,
    readonly run: { signal?: AbortSignal; progress?: (percent: number) => Promise<void> } = {},
  ) {
    super();
  }
}
