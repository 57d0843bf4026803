import { EntitySchema } from '@mikro-orm/core';

export class UserRecord {
  id!: string;
  email!: string;
  passwordHash!: string;
  roles!: string[];
  createdAt!: Date;
}

export const UserSchema = new EntitySchema<UserRecord>({
  class: UserRecord,
  tableName: 'users',
  properties: {
    id: { type: 'uuid', primary: true },
    email: { type: 'text' },
    passwordHash: { type: 'text' },
    roles: { type: 'text[]' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});

export class RefreshTokenRecord {
  id!: string;
  userId!: string;
  familyId!: string;
  tokenHash!: string;
  expiresAt!: Date;
  revokedAt!: Date | null;
  createdAt!: Date;
}

export const RefreshTokenSchema = new EntitySchema<RefreshTokenRecord>({
  class: RefreshTokenRecord,
  tableName: 'refresh_tokens',
  properties: {
    id: { type: 'uuid', primary: true },
    userId: { type: 'uuid' },
    familyId: { type: 'uuid' },
    tokenHash: { type: 'character', length: 64 },
    expiresAt: { type: 'Date', columnType: 'timestamptz' },
    revokedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
});
