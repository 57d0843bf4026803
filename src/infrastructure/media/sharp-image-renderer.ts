import { Readable } from 'node:stream';
import sharp from 'sharp';
import type { AvailableFormatInfo, FormatEnum, OutputInfo, Sharp } from 'sharp';
import { ImageRenderer, RenderedImage, RenditionRequest } from '../../application/media';
import { ImageUnreadableError } from '../../domain/media';
import { ByteBody } from '../../domain/storage';

/** MIME types and the sharp input format that decodes them; offered only when the installed build reads it. */
const DECODERS: readonly (readonly [mimeType: string, format: keyof FormatEnum, suffix?: string])[] = [
  ['image/jpeg', 'jpeg'],
  ['image/png', 'png'],
  ['image/webp', 'webp'],
  ['image/gif', 'gif'],
  ['image/tiff', 'tiff'],
  ['image/avif', 'heif', '.avif'],
  // HEIC needs an HEVC decoder, which sharp's prebuilt libvips leaves out (patents); a custom build may have it.
  ['image/heic', 'heif', '.heic'],
  ['image/heif', 'heif', '.heic'],
];

export interface SharpRendererOptions {
  /** Decompression-bomb fence: images with more pixels are refused (default 100 megapixels). */
  limitInputPixels?: number;
  maxSourceBytes?: number;
  quality?: number;
}

/**
 * Renditions with sharp (libvips): the original streams into one decoder (sharp holds the encoded
 * original, never a decoded copy beyond libvips' own tiles), EXIF orientation is applied, and each
 * rendition is a clone of that pipeline encoded to WebP as a stream. Decoder errors become
 * ImageUnreadableError; an error of the source stays what it was (a provider hiccup is retried).
 */
export class SharpImageRenderer implements ImageRenderer {
  readonly maxSourceBytes: number;
  private readonly readable: ReadonlySet<string>;

  constructor(private readonly options: SharpRendererOptions = {}) {
    this.maxSourceBytes = options.maxSourceBytes ?? 256 * 1024 * 1024;
    this.readable = new Set(
      DECODERS.filter(([, format, suffix]) => readsStreams(format, suffix)).map(([mime]) => mime),
    );
    sharp.cache(false); // a worker sees each image once; libvips' operation cache would only hold memory
  }

  canRead(mimeType: string): boolean {
    return this.readable.has(mimeType.toLowerCase());
  }

  render(source: ByteBody, requests: readonly RenditionRequest[], signal?: AbortSignal): RenderedImage[] {
    // A provider's own stream (a file, an HTTP body) is used as it is, so destroying it really lets it go.
    const input = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
    const decoder = sharp({
      limitInputPixels: this.options.limitInputPixels ?? 100_000_000,
      failOn: 'error',
      sequentialRead: true,
    }).rotate();
    const outputs = requests.map((request) => {
      const output = decoder
        .clone()
        .resize({ width: request.maxDimension, height: request.maxDimension, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: this.options.quality ?? 80 });
      let info: OutputInfo | null = null;
      output.on('info', (i: OutputInfo) => (info = i));
      return { request, output, info: () => info };
    });
    // A failing source (or an abort) ends every output with that error, not as a decoder failure;
    // the decoder itself would otherwise wait for the rest of its input forever.
    let stopped: unknown;
    const stop = (reason: unknown) => {
      stopped ??= reason;
      for (const { output } of outputs) output.destroy(reason as Error);
      decoder.destroy();
      input.destroy(); // lets the provider's stream go
    };
    input.on('error', stop);
    decoder.on('error', () => undefined); // reported by each clone
    const onAbort = () => stop(signal?.reason ?? new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    else input.pipe(decoder);

    let open = outputs.length;
    return outputs.map(({ request, output, info }) => {
      output.on('error', () => undefined); // surfaced to the reader below
      const done = () => {
        if (--open === 0) {
          signal?.removeEventListener('abort', onAbort);
          input.destroy();
        }
      };
      return {
        kind: request.kind,
        contentType: 'image/webp',
        body: readOutput(output, () => stopped, done),
        dimensions: () => {
          const i = info();
          return i ? { width: i.width, height: i.height } : null;
        },
      };
    });
  }
}

async function* readOutput(output: Sharp, stoppedBy: () => unknown, done: () => void): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of output) yield chunk as Buffer;
  } catch (error) {
    const cause = stoppedBy();
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows the abort reason
    if (cause !== undefined) throw cause;
    throw new ImageUnreadableError(firstLine(error));
  } finally {
    // The reader stopped early (its write failed): this output's work is not wanted any more.
    if (!output.destroyed) output.destroy();
    done();
  }
}

function readsStreams(format: keyof FormatEnum, suffix?: string): boolean {
  const input = (sharp.format[format] as AvailableFormatInfo | undefined)?.input;
  return !!input?.stream && (!suffix || !!input.fileSuffix?.includes(suffix));
}

/** libvips repeats its complaint over many lines; the first says it. */
function firstLine(error: unknown): string {
  const message = (error as Error)?.message ?? String(error);
  return message.split('\n')[0].trim().slice(0, 300) || 'the decoder gave up';
}
