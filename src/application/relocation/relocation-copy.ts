import { File } from '../../domain/files';
import { ByteBody, StorageProvider, WriteResult } from '../../domain/storage';
import { RelocateFileCommand } from './commands/relocate-file.command';

/**
 * Streams a file's bytes into `target`, which checks them against the file's SHA-256 as they go;
 * the result is checked again, since a provider (a plugin) that ignored the expected hash is not
 * trusted with it. A copy that does not match is deleted, and the file keeps its bytes.
 */
export async function copyChecked(
  body: ByteBody,
  file: File,
  target: StorageProvider,
  run: RelocateFileCommand['run'],
): Promise<WriteResult> {
  const size = file.size.bytes;
  const written = await target.write(counted(body, size, run.progress), {
    maxBytes: size,
    contentType: file.type.mimeType,
    expectedSha256: file.hash.hex,
    signal: run.signal,
  });
  if (written.sha256 !== file.hash.hex || written.size !== size) {
    await target.delete(written.key).catch(() => undefined);
    const got = `SHA-256 ${written.sha256}, ${written.size} bytes`;
    throw new Error(`the copy on ${target.id} does not match the file (${got}); nothing was changed`);
  }
  return written;
}

/**
 * The body as it passes, reporting progress at most once per percent and never waiting for it: a
 * report is a Redis round trip, and the bytes should not queue behind it (one report in flight at
 * a time; percents passed meanwhile are folded into the next).
 */
async function* counted(body: ByteBody, total: number, progress?: (percent: number) => Promise<void>): ByteBody {
  let seen = 0;
  let reported = -1;
  let inFlight = false;
  for await (const chunk of body) {
    seen += chunk.length;
    const percent = Math.min(total > 0 ? Math.floor((seen / total) * 100) : 100, 99);
    if (progress && percent > reported && !inFlight) {
      reported = percent;
      inFlight = true;
      void progress(percent)
        .catch(() => undefined)
        .finally(() => (inFlight = false));
    }
    yield chunk;
  }
}
