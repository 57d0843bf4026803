import { StorageLocation } from '../files/storage-location';
import { ValidationError } from '../shared';

/** The smaller images made of an image file: a thumbnail for lists and grids, a preview for a viewer. */
export const RENDITION_KINDS = ['thumb', 'preview'] as const;
export type RenditionKind = (typeof RENDITION_KINDS)[number];

/** Longest side in pixels; smaller originals keep their size (never enlarged). */
export const RENDITION_MAX_DIMENSION: Record<RenditionKind, number> = { thumb: 256, preview: 1440 };

/** `?size=` of the thumbnail endpoint: absent means the thumbnail. */
export function parseRenditionKind(value: string | undefined): RenditionKind {
  if (value === undefined || value === '') return 'thumb';
  if ((RENDITION_KINDS as readonly string[]).includes(value)) return value as RenditionKind;
  throw new ValidationError(`Unknown thumbnail size "${value.slice(0, 40)}".`, {
    code: 'invalid-thumbnail-size',
    fieldErrors: [{ field: 'size', message: `must be one of ${RENDITION_KINDS.join(', ')}` }],
  });
}

export interface ReadyRenditionFacts {
  location: StorageLocation;
  contentType: string;
  width: number;
  height: number;
  size: number;
  sha256: string;
}

/**
 * One rendition of a file: either ready (stored, with its facts) or failed (the original could not
 * be decoded, and why). Renditions are replaced whole, never edited, so this is a value.
 */
export class Rendition {
  private constructor(
    readonly fileId: string,
    readonly kind: RenditionKind,
    readonly status: 'ready' | 'failed',
    readonly facts: ReadyRenditionFacts | null,
    readonly failureReason: string | null,
    readonly createdAt: Date,
  ) {}

  static ready(fileId: string, kind: RenditionKind, facts: ReadyRenditionFacts, now: Date): Rendition {
    if (!(facts.width > 0 && facts.height > 0 && facts.size > 0))
      throw new RangeError('A ready rendition has positive dimensions and size.');
    const max = RENDITION_MAX_DIMENSION[kind];
    if (facts.width > max || facts.height > max)
      throw new RangeError(`A ${kind} is at most ${max} px on its longest side, got ${facts.width}×${facts.height}.`);
    return new Rendition(fileId, kind, 'ready', facts, null, now);
  }

  static failed(fileId: string, kind: RenditionKind, reason: string, now: Date): Rendition {
    return new Rendition(fileId, kind, 'failed', null, reason.slice(0, 500), now);
  }

  /** Rebuilt from storage without the checks (they held when it was made). */
  static reconstitute(props: {
    fileId: string;
    kind: RenditionKind;
    status: 'ready' | 'failed';
    facts: ReadyRenditionFacts | null;
    failureReason: string | null;
    createdAt: Date;
  }): Rendition {
    return new Rendition(props.fileId, props.kind, props.status, props.facts, props.failureReason, props.createdAt);
  }

  get isReady(): boolean {
    return this.status === 'ready';
  }

  get location(): StorageLocation | null {
    return this.facts?.location ?? null;
  }
}
