import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import * as tus from 'tus-js-client';

export interface TusResult {
  url: string;
  fileId?: string;
  /** Upload-Offset of every PATCH the client sent, in order. */
  patchOffsets: number[];
}

/** Runs one tus-js-client upload to the end (or to its error), recording the offsets it sent. */
export function tusUpload(
  input: Buffer | ReturnType<typeof createReadStream>,
  options: tus.UploadOptions & { token: string },
  control: (upload: tus.Upload) => void = () => undefined,
): Promise<TusResult> {
  const patchOffsets: number[] = [];
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(input, {
      retryDelays: [],
      ...options,
      headers: { Authorization: `Bearer ${options.token}`, ...options.headers },
      onBeforeRequest: (req) => {
        if (req.getMethod() === 'PATCH') patchOffsets.push(Number(req.getHeader('Upload-Offset')));
        return options.onBeforeRequest?.(req);
      },
      onError: reject,
      onSuccess: (payload) =>
        resolve({ url: upload.url!, fileId: payload.lastResponse.getHeader('X-File-Id'), patchOffsets }),
    });
    control(upload);
    upload.start();
  });
}

/** Writes `size` random bytes to `file` and answers their SHA-256 (nothing big held in memory). */
export async function randomFile(file: string, size: number): Promise<string> {
  const out = createWriteStream(file);
  const hash = createHash('sha256');
  for (let left = size; left > 0;) {
    const chunk = randomBytes(Math.min(left, 4 * 1024 * 1024));
    hash.update(chunk);
    left -= chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}
