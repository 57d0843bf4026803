import { ValidationError } from '../shared';
import { FileName } from './file-name';

export const MAX_TAGS = 50;
const MAX_TAG_LENGTH = 64;
const MAX_DESCRIPTION = 4000;
const LINK_PART = /^[A-Za-z0-9_.:-]{1,128}$/;

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
    let capturedAt: string | null = null;
    if (props.capturedAt) {
      const t = Date.parse(props.capturedAt);
      if (Number.isNaN(t)) fail('capturedAt', 'must be an ISO 8601 date-time');
      capturedAt = new Date(t).toISOString();
    }
    const tags = [...new Set((props.tags ?? []).map((t) => t.trim()).filter((t) => t.length > 0))];
    if (tags.length > MAX_TAGS) fail('tags', `at most ${MAX_TAGS} tags`);
    for (const tag of tags) {
      if (tag.length > MAX_TAG_LENGTH || /[\u0000-\u001f,]/.test(tag)) {
        fail('tags', `each tag is 1-${MAX_TAG_LENGTH} characters without commas or control characters`);
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
    return new FileMetadata(name, capturedAt, tags, entityType, entityId, description);
  }

  with(patch: Partial<FileMetadataProps>): FileMetadata {
    return FileMetadata.of({ ...this.toProps(), ...patch });
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
