import { RenditionKind } from '../../../domain/media';
import { ByteBody } from '../../../domain/storage';

export interface RenditionRequest {
  kind: RenditionKind;
  /** Longest side, in pixels; never enlarged. */
  maxDimension: number;
}

export interface RenderedImage {
  kind: RenditionKind;
  contentType: string;
  /**
   * The encoded image as it is produced. Iterating throws ImageUnreadableError when the original
   * cannot be decoded, and the source's own error when reading the original fails.
   */
  body: ByteBody;
  /** Known once `body` has been read to its end. */
  dimensions(): { width: number; height: number } | null;
}

/** Port: decodes an image once and encodes the requested renditions (sharp behind it). */
export interface ImageRenderer {
  /** Whether this renderer decodes the MIME type (depends on the codecs installed). */
  canRead(mimeType: string): boolean;
  /** Originals larger than this are not decoded (the decoder holds the whole original). */
  readonly maxSourceBytes: number;
  /** The source is released when every body has been read, or when `signal` fires (callers fire it when done). */
  render(source: ByteBody, requests: readonly RenditionRequest[], signal?: AbortSignal): RenderedImage[];
}
export const IMAGE_RENDERER = Symbol('ImageRenderer');
