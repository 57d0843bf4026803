import { FileSchema } from './file.record';
import { OutboxSchema } from './outbox.record';
import { RefreshTokenSchema, UserSchema } from './user.record';
import { RetrievalRequestSchema } from './retrieval-request.record';
import { UploadSessionSchema } from './upload-session.record';

export * from './file.record';
export * from './outbox.record';
export * from './user.record';
export * from './retrieval-request.record';
export * from './upload-session.record';

export const PERSISTENCE_SCHEMAS = [
  FileSchema,
  OutboxSchema,
  UserSchema,
  RefreshTokenSchema,
  UploadSessionSchema,
  RetrievalRequestSchema,
];
