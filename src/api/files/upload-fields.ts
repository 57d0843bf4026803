import { FileMetadataProps } from '../../domain/files';
import { ProblemException } from '../problem/problem-exception';

const KNOWN = [
  'name',
  'mimeType',
  'category',
  'capturedAt',
  'tags',
  'entityType',
  'entityId',
  'description',
  'provider',
  'sha256',
];

export interface UploadFields {
  metadata: Partial<FileMetadataProps>;
  mimeType?: string;
  category?: string;
  provider?: string;
  sha256?: string;
}

/** Reads the multipart text fields. Unknown or repeated single-value fields are refused. */
export function parseUploadFields(all: Record<string, string[]>, notAllowed: string[] = []): UploadFields {
  // An empty field means "not given" (Swagger UI and HTML forms send empty inputs as "").
  const fields = Object.fromEntries(
    Object.entries(all)
      .map(([k, values]) => [k, values.filter((v) => v.trim() !== '')] as const)
      .filter(([, values]) => values.length > 0),
  );
  const misplaced = Object.keys(fields).filter((k) => notAllowed.includes(k));
  if (misplaced.length) {
    throw new ProblemException(
      400,
      'validation-failed',
      'Bad Request',
      `Field(s) ${misplaced.join(', ')} must come before the file part.`,
      {
        errors: misplaced.map((field) => ({ field, message: 'must precede the file part' })),
      },
    );
  }
  const unknown = Object.keys(fields).filter((k) => !KNOWN.includes(k));
  if (unknown.length) {
    throw new ProblemException(400, 'validation-failed', 'Bad Request', `Unknown field(s): ${unknown.join(', ')}.`, {
      errors: unknown.map((field) => ({ field, message: `is not one of ${KNOWN.join(', ')}` })),
    });
  }
  const one = (name: string): string | undefined => {
    const values = fields[name];
    if (!values) return undefined;
    if (values.length > 1) {
      throw new ProblemException(400, 'validation-failed', 'Bad Request', `Field "${name}" was sent more than once.`, {
        errors: [{ field: name, message: 'send it once' }],
      });
    }
    return values[0];
  };
  const tags = fields.tags?.flatMap(parseTags);
  const metadata: Partial<FileMetadataProps> = {};
  const set = <K extends keyof FileMetadataProps>(key: K, value: FileMetadataProps[K] | undefined) => {
    if (value !== undefined) metadata[key] = value;
  };
  set('name', one('name'));
  set('capturedAt', one('capturedAt'));
  set('tags', tags);
  set('entityType', one('entityType'));
  set('entityId', one('entityId'));
  set('description', one('description'));
  return {
    metadata,
    mimeType: one('mimeType'),
    category: one('category'),
    provider: one('provider'),
    sha256: one('sha256'),
  };
}

/** `tags` as a comma-separated list or a JSON array of strings (multipart fields and tus metadata alike). */
export function parseTags(raw: string): string[] {
  const trimmed = raw.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((t) => typeof t === 'string')) return parsed;
    } catch {
      /* falls through to the error below */
    }
    throw new ProblemException(
      400,
      'validation-failed',
      'Bad Request',
      'tags must be a JSON array of strings or a comma-separated list.',
      {
        errors: [{ field: 'tags', message: 'JSON array of strings or comma-separated' }],
      },
    );
  }
  return trimmed.split(',');
}
