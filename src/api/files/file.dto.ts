import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsISO8601,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsStorableInstant, Nullable, Omittable } from '../validation/dto-rules';
import { FILE_CATEGORIES, UploadStatus } from '../../domain/files';

export class FileResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() ownerId!: string;
  @ApiProperty({ example: 'holiday.jpg' }) name!: string;
  @ApiProperty({ example: 'image/jpeg' }) mimeType!: string;
  @ApiProperty({ enum: FILE_CATEGORIES, enumName: 'FileCategory' }) category!: string;
  @ApiProperty({ nullable: true, type: Number }) size!: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'SHA-256, hex' }) sha256!: string | null;
  @ApiProperty({ enum: UploadStatus, enumName: 'FileStatus' }) status!: string;
  @ApiProperty({ nullable: true, type: String }) providerId!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) capturedAt!: string | null;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ nullable: true, type: String }) entityType!: string | null;
  @ApiProperty({ nullable: true, type: String }) entityId!: string | null;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deletedAt!: string | null;
}

export class UploadResponse extends FileResponse {
  @ApiProperty({ description: 'True when you already had a file with these bytes; that file is returned.' })
  duplicate!: boolean;
}

export class FilePageResponse {
  @ApiProperty({ type: [FileResponse] }) items!: FileResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page.' }) nextCursor!:
    string | null;
}

/** The multipart form, for the OpenAPI document; the controller parses the stream itself. */
export class UploadFileForm {
  @ApiPropertyOptional({ example: '', description: "Display name; defaults to the part's filename." }) name?: string;
  @ApiPropertyOptional({ example: '', description: "MIME type; defaults to the part's Content-Type." })
  mimeType?: string;
  @ApiPropertyOptional({
    example: '',
    description: `Overrides the category derived from the MIME type: ${FILE_CATEGORIES.join(', ')}.`,
  })
  category?: string;
  @ApiPropertyOptional({ example: '', description: 'ISO 8601 date-time, e.g. 2026-07-01T10:00:00Z.' })
  capturedAt?: string;
  @ApiPropertyOptional({ example: '', description: 'Comma-separated, or repeat the field.' }) tags?: string;
  @ApiPropertyOptional({ example: '', description: 'Links the file to an entity of your app, with entityId.' })
  entityType?: string;
  @ApiPropertyOptional({ example: '' }) entityId?: string;
  @ApiPropertyOptional({ example: '' }) description?: string;
  @ApiPropertyOptional({ example: '', description: 'Preferred storage provider id (local-fs, database).' })
  provider?: string;
  @ApiPropertyOptional({
    example: '',
    description: 'Expected SHA-256 (hex or base64); also accepted as the x-content-sha256 header.',
  })
  sha256?: string;
  @ApiProperty({ type: 'string', format: 'binary', description: 'The file. Last part: metadata fields go before it.' })
  file!: unknown;
}

// Anything but a string or an array is left as it is, for @IsArray() to refuse (not made a tag "[object Object]").
const toArray = ({ value }: { value: unknown }) =>
  typeof value === 'string' || Array.isArray(value)
    ? (typeof value === 'string' ? value.split(',') : value).map((v) => String(v).trim()).filter(Boolean)
    : value;

export class UpdateFileRequest {
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(1024) name?: string;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(255) mimeType?: string;
  @ApiPropertyOptional({ enum: FILE_CATEGORIES, enumName: 'FileCategory' })
  @Omittable()
  @IsIn(FILE_CATEGORIES)
  category?: string;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'date-time' })
  @Nullable()
  @IsISO8601()
  capturedAt?: string | null;
  @ApiPropertyOptional({ type: [String] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  tags?: string[];
  @ApiPropertyOptional({ type: String, nullable: true })
  @Nullable()
  @IsString()
  entityType?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  @Nullable()
  @IsString()
  entityId?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  @Nullable()
  @IsString()
  description?: string | null;
}

export class ListFilesRequest {
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 200, default: 50 })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(200) cursor?: string;
  @ApiPropertyOptional({ description: 'Exact MIME type, e.g. image/jpeg.' })
  @Omittable()
  @IsString()
  @MaxLength(255)
  type?: string;
  @ApiPropertyOptional({ enum: FILE_CATEGORIES, enumName: 'FileCategory' })
  @Omittable()
  @IsIn(FILE_CATEGORIES)
  category?: string;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(64) tag?: string;
  @ApiPropertyOptional({ enum: UploadStatus, enumName: 'FileStatus' })
  @Omittable()
  @IsIn(Object.values(UploadStatus))
  status?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  @Omittable()
  @Type(() => Date)
  @IsDate()
  @IsStorableInstant()
  createdFrom?: Date;
  @ApiPropertyOptional({ format: 'date-time' })
  @Omittable()
  @Type(() => Date)
  @IsDate()
  @IsStorableInstant()
  createdTo?: Date;
  @ApiPropertyOptional({ description: 'Case-insensitive substring of the name.' })
  @Omittable()
  @IsString()
  @MaxLength(255)
  name?: string;
  @ApiPropertyOptional({ description: "Admins only: list every owner's files." })
  @Omittable()
  @Transform(({ value }) => value === true || value === 'true')
  @IsBoolean()
  all?: boolean;
}

export { toArray };
