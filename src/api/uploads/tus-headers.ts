import { ChecksumAlgorithm, CHECKSUM_ALGORITHMS, ChunkChecksum } from '../../application/ports';
import { RequestedConcat } from '../../application/uploads';
import { unstorableTextReason } from '../../domain/shared';
import { UploadTargetProps } from '../../domain/uploads';
import { parseTags } from '../files/upload-fields';
import { ProblemException } from '../problem/problem-exception';

export const TUS_VERSION = '1.0.0';
export const TUS_EXTENSIONS = [
  'creation',
  'creation-with-upload',
  'creation-defer-length',
  'expiration',
  'checksum',
  'termination',
  'concatenation',
];
export const OFFSET_OCTET_STREAM = 'application/offset+octet-stream';
/** The tus headers a browser client must be allowed to read (CORS; see api/cors-policy.ts). */
export const TUS_EXPOSED_HEADERS = [
  'Location',
  'Upload-Offset',
  'Upload-Length',
  'Upload-Defer-Length',
  'Upload-Metadata',
  'Upload-Concat',
  'Upload-Expires',
  'Tus-Resumable',
  'Tus-Version',
  'Tus-Extension',
  'Tus-Max-Size',
  'Tus-Checksum-Algorithm',
  'X-File-Id',
];
/** The tus headers a browser client must be allowed to send. */
export const TUS_REQUEST_HEADERS = [
  'Upload-Offset',
  'Upload-Length',
  'Upload-Defer-Length',
  'Upload-Metadata',
  'Upload-Concat',
  'Upload-Checksum',
  'Tus-Resumable',
  'X-HTTP-Method-Override',
  'X-Requested-With',
];

const KEY = /^[\x21-\x7e]+$/; // printable ASCII without space; commas are separators
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { sha1: 20, md5: 16, sha256: 32 };

/** 400 for a malformed or missing tus header, naming it in `errors`. */
export function tusBadRequest(header: string, detail: string, code = 'invalid-tus-header'): ProblemException {
  return new ProblemException(400, code, 'Bad Request', detail, { errors: [{ field: header, message: detail }] });
}

/** A non-negative integer header (Upload-Length, Upload-Offset); undefined when absent. */
export function integerHeader(value: string | undefined, header: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,16}$/.test(value.trim()) || !Number.isSafeInteger(Number(value)))
    throw tusBadRequest(header, `${header} must be a non-negative integer.`);
  return Number(value);
}

/** `Upload-Metadata: key base64,key2 base64,flag` → decoded pairs (a bare key has null). */
export function parseUploadMetadata(header: string | undefined): Record<string, string | null> {
  // No prototype: a client's `__proto__` key is kept as a key, not swallowed by the setter.
  const pairs = Object.create(null) as Record<string, string | null>;
  if (header === undefined || header.trim() === '') return pairs;
  for (const item of header.split(',')) {
    const parts = item.trim().split(/ +/);
    const [key, value] = parts;
    if (!key || parts.length > 2 || !KEY.test(key))
      throw tusBadRequest(
        'Upload-Metadata',
        `Malformed Upload-Metadata pair "${item.trim()}".`,
        'invalid-upload-metadata',
      );
    if (Object.hasOwn(pairs, key))
      throw tusBadRequest('Upload-Metadata', `Upload-Metadata repeats the key "${key}".`, 'invalid-upload-metadata');
    if (value !== undefined && !BASE64.test(value))
      throw tusBadRequest('Upload-Metadata', `The value of "${key}" is not base64.`, 'invalid-upload-metadata');
    pairs[key] = value === undefined ? null : decodeUtf8(value, key);
  }
  return pairs;
}

export function formatUploadMetadata(pairs: Record<string, string | null>): string {
  return Object.entries(pairs)
    .map(([k, v]) => (v === null ? k : `${k} ${Buffer.from(v, 'utf8').toString('base64')}`))
    .join(',');
}

/** What the known metadata keys say the finished file should be; unknown keys are kept as they are. */
export function targetFromMetadata(pairs: Record<string, string | null>): UploadTargetProps {
  const pick = (...keys: string[]) => {
    for (const k of keys) if (pairs[k] !== undefined && pairs[k] !== null && pairs[k] !== '') return pairs[k];
    return undefined;
  };
  const tags = pick('tags');
  return {
    metadata: {
      // `name`/`type` are what Uppy sends; `filename`/`filetype` what tus-js-client's examples use.
      name: pick('filename', 'name') ?? '',
      tags: tags === undefined ? undefined : parseTags(tags),
      capturedAt: pick('capturedAt'),
      description: pick('description'),
      entityType: pick('entityType'),
      entityId: pick('entityId'),
    },
    mimeType: pick('filetype', 'contentType', 'type'),
    category: pick('category'),
    expectedSha256: pick('sha256'),
    providerPreference: pick('provider'),
  };
}

/** `Upload-Checksum: sha256 <base64 digest>`. */
export function parseUploadChecksum(header: string | undefined): ChunkChecksum | undefined {
  if (header === undefined) return undefined;
  const [algorithm, digest, ...rest] = header.trim().split(/ +/);
  if (!(CHECKSUM_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw tusBadRequest(
      'Upload-Checksum',
      `Unsupported checksum algorithm "${algorithm}"; use one of ${CHECKSUM_ALGORITHMS.join(', ')}.`,
      'unsupported-checksum-algorithm',
    );
  }
  const bytes = digest && rest.length === 0 && BASE64.test(digest) ? Buffer.from(digest, 'base64') : undefined;
  if (!bytes || bytes.length !== DIGEST_BYTES[algorithm as ChecksumAlgorithm]) {
    throw tusBadRequest('Upload-Checksum', `Upload-Checksum needs the base64 ${algorithm} digest after the algorithm.`);
  }
  return { algorithm: algorithm as ChecksumAlgorithm, digest: bytes };
}

/**
 * `Upload-Concat: partial` or `final;/api/v1/uploads/a https://host/api/v1/uploads/b`. Only the
 * trailing `/uploads/<id>` counts, so URLs as a proxy with a path prefix hands them out work too
 * (whose upload an id is, the owner check decides).
 */
export function parseUploadConcat(header: string | undefined): RequestedConcat {
  if (header === undefined) return { kind: 'none' };
  const value = header.trim();
  if (value === 'partial') return { kind: 'partial' };
  if (!value.startsWith('final;'))
    throw tusBadRequest(
      'Upload-Concat',
      'Upload-Concat is "partial" or "final;<upload URLs>".',
      'invalid-concatenation',
    );
  const urls = value.slice('final;'.length).trim().split(/ +/).filter(Boolean);
  if (urls.length === 0)
    throw tusBadRequest('Upload-Concat', 'A final upload names its partial uploads.', 'invalid-concatenation');
  const partIds = urls.map((u) => {
    let pathname: string;
    try {
      pathname = new URL(u, 'http://placeholder').pathname;
    } catch {
      throw tusBadRequest('Upload-Concat', `"${u}" is not an upload URL.`, 'invalid-concatenation');
    }
    const id = /\/uploads\/([0-9a-f-]{36})\/?$/i.exec(pathname)?.[1];
    if (!id) throw tusBadRequest('Upload-Concat', `"${u}" is not an upload URL.`, 'invalid-concatenation');
    return id.toLowerCase();
  });
  return { kind: 'final', partIds };
}

/** A value as text every store can hold (no NUL: it lands in jsonb), whatever its key; else a 400. */
function decodeUtf8(base64: string, key: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(base64, 'base64'));
  } catch {
    throw tusBadRequest('Upload-Metadata', `The value of "${key}" is not UTF-8 text.`, 'invalid-upload-metadata');
  }
  const reason = unstorableTextReason(text);
  if (reason !== undefined)
    throw tusBadRequest('Upload-Metadata', `The value of "${key}" ${reason}.`, 'invalid-upload-metadata');
  return text;
}
