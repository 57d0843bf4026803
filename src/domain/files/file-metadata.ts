import { isStorableInstant, STORABLE_INSTANT_RANGE, textReason, ValidationError } from '../shared';
import { FileName } from './file-name';

export const MAX_TAGS = 50;
const MAX_TAG_LENGTH = 64;
const MAX_DESCRIPTION = 4000;
const LINK_PART = /^[A-Za-z0-9_.:-]{1,128}$/;
// YYYY-MM-DD, optionally with a time and a zone. Date.parse alone is too lenient ("1" is 2001,
// 2024-02-30 is 1 March) and reads a zone-less time in the server's zone; here it means UTC.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

export interface FileMetadataProps {
  name: string;
  capturedAt?: string | null;
  tags?: readonly string[];
  entityType?: string | null;
  entityId?: string | null;
  description?: string | null;
}

function fail(field: string, message: string): never {
  throw new ValidationError(message, { fieldErrors: [{ field, message }] });
}

function parseCapturedAt(value: string): string {
  const m = ISO_DATE_TIME.exec(value.trim());
  if (!m) fail('capturedAt', 'must be an ISO 8601 date-time');
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
  const ms = Number((m[7] ?? '.').slice(1).padEnd(3, '0').slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  const rolledOver =
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== mo - 1 ||
    date.getUTCDate() !== d ||
    date.getUTCHours() !== h ||
    date.getUTCMinutes() !== mi ||
    date.getUTCSeconds() !== s;
  if (rolledOver) fail('capturedAt', 'must be an ISO 8601 date-time');
  const zone = (m[8] ?? 'Z').toUpperCase();
  if (zone !== 'Z') {
    const [, sign, zh, zm] = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    if (Number(zh) > 23 || Number(zm) > 59) fail('capturedAt', 'must be an ISO 8601 date-time');
    date.setTime(date.getTime() - (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm)) * 60_000);
  }
  if (!isStorableInstant(date)) fail('capturedAt', `must be ${STORABLE_INSTANT_RANGE}`);
  return date.toISOString();
}

/** Descriptive data a user may edit; the bytes-derived facts (size, hash, type) live elsewhere. */
export class FileMetadata {
  private constructor(
    readonly name: string,
    readonly capturedAt: string | null,
    readonly tags: readonly string[],
    readonly entityType: string | null,
    readonly entityId: string | null,
    readonly description: string | null,
  ) {}

  static of(props: FileMetadataProps): FileMetadata {
    const name = FileName.of(props.name).value;
    const capturedAt = props.capturedAt ? parseCapturedAt(props.capturedAt) : null;
    const tags = [...new Set((props.tags ?? []).map((t) => t.trim()).filter((t) => t.length > 0))];
    if (tags.length > MAX_TAGS) fail('tags', `at most ${MAX_TAGS} tags`);
    for (const tag of tags) {
      if (tag.length > MAX_TAG_LENGTH || tag.includes(',') || textReason(tag, 'single-line') !== undefined) {
        fail('tags', `each tag is 1-${MAX_TAG_LENGTH} characters of text without commas or control characters`);
      }
    }
    const entityType = props.entityType?.trim() || null;
    const entityId = props.entityId?.trim() || null;
    if ((entityType === null) !== (entityId === null)) fail('entityId', 'entityType and entityId go together');
    if (entityType !== null && !LINK_PART.test(entityType)) fail('entityType', 'letters, digits and _.:- only');
    if (entityId !== null && !LINK_PART.test(entityId)) fail('entityId', 'letters, digits and _.:- only');
    const description = props.description?.trim() || null;
    if (description !== null && description.length > MAX_DESCRIPTION) {
      fail('description', `at most ${MAX_DESCRIPTION} characters`);
    }
    const descriptionReason = description === null ? undefined : textReason(description, 'multi-line');
    if (descriptionReason !== undefined) fail('description', descriptionReason);
    return new FileMetadata(name, capturedAt, tags, entityType, entityId, description);
  }

  /** Applies the fields given; an undefined field is "not given" (null clears an optional one). */
  with(patch: Partial<FileMetadataProps>): FileMetadata {
    const given = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    return FileMetadata.of({ ...this.toProps(), ...given });
  }

  toProps(): FileMetadataProps {
    return {
      name: this.name,
      capturedAt: this.capturedAt,
      tags: this.tags,
      entityType: this.entityType,
      entityId: this.entityId,
      description: this.description,
    };
  }
}
