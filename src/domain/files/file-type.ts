import { ValidationError } from '../shared';

export const FILE_CATEGORIES = ['image', 'video', 'audio', 'document', 'archive', 'other'] as const;
export type FileCategory = (typeof FILE_CATEGORIES)[number];

// RFC 6838 restricted-name: a letter or digit, then up to 126 of these characters.
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

const DOCUMENT_TYPES = new Set([
  'application/pdf',
  'application/msword',
  'application/rtf',
  'application/json',
  'application/xml',
  'application/epub+zip',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
]);
const ARCHIVE_TYPES = new Set([
  'application/zip',
  'application/gzip',
  'application/x-gzip',
  'application/x-tar',
  'application/x-7z-compressed',
  'application/x-rar-compressed',
  'application/vnd.rar',
  'application/x-bzip2',
  'application/x-xz',
  'application/zstd',
]);

function categoryOf(mime: string): FileCategory {
  const [top] = mime.split('/');
  if (top === 'image' || top === 'video' || top === 'audio') return top;
  if (top === 'text' || DOCUMENT_TYPES.has(mime) || mime.startsWith('application/vnd.openxmlformats-officedocument.')) {
    return 'document';
  }
  if (ARCHIVE_TYPES.has(mime)) return 'archive';
  return 'other';
}

export function isFileCategory(value: string): value is FileCategory {
  return (FILE_CATEGORIES as readonly string[]).includes(value);
}

/** A MIME type (its essence, without parameters) and the category it falls in. */
export class FileType {
  private constructor(
    readonly mimeType: string,
    readonly category: FileCategory,
  ) {}

  static readonly OCTET_STREAM = 'application/octet-stream';

  /** `category` overrides the derived one (an app may file a PDF scan under `image`). */
  static of(mimeType: string | undefined, category?: string): FileType {
    const essence = (mimeType ?? '').split(';')[0].trim().toLowerCase() || FileType.OCTET_STREAM;
    if (!MIME.test(essence)) {
      throw new ValidationError(`"${mimeType}" is not a valid MIME type.`, {
        code: 'invalid-mime-type',
        fieldErrors: [{ field: 'mimeType', message: 'must look like type/subtype' }],
      });
    }
    if (category !== undefined && !isFileCategory(category)) {
      throw new ValidationError(`Unknown category "${category}".`, {
        code: 'invalid-category',
        fieldErrors: [{ field: 'category', message: `must be one of ${FILE_CATEGORIES.join(', ')}` }],
      });
    }
    return new FileType(essence, category ?? categoryOf(essence));
  }

  /**
   * This type with a new MIME type and/or category. A new MIME type without a category derives
   * the category afresh; a category alone keeps the MIME type.
   */
  withChanges(changes: { mimeType?: string; category?: string }): FileType {
    const { mimeType, category } = changes;
    if (mimeType === undefined && category === undefined) return this;
    return FileType.of(mimeType ?? this.mimeType, category ?? (mimeType === undefined ? this.category : undefined));
  }
}
