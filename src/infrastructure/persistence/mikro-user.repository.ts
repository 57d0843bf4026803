import { raw, UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Email, EmailAlreadyRegisteredError, User, UserRepository } from '../../domain/auth';
import { OutboxWriter } from '../outbox/outbox.writer';
import { UserMapper } from './user.mapper';
import { UserSchema } from './schemas/user.record';
import { isUuid } from '../../domain/shared';

/**
 * Users are rarely written (sign-up, the admin bootstrap), so there is no optimistic locking:
 * an update simply overwrites the row.
 */
@Injectable()
export class MikroUserRepository implements UserRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxWriter,
  ) {}

  async findById(id: string): Promise<User | null> {
    if (!isUuid(id)) return null;
    const row = await this.em.fork().findOne(UserSchema, { id });
    return row ? UserMapper.toDomain(row) : null;
  }

  async findByEmail(email: Email): Promise<User | null> {
    // Written as lower(email) so that the unique index users_email_uq answers it.
    const row = await this.em.fork().findOne(UserSchema, { [raw('lower(email)')]: email.value });
    return row ? UserMapper.toDomain(row) : null;
  }

  async save(user: User): Promise<void> {
    const record = UserMapper.toRecord(user);
    try {
      await this.em.fork().transactional(async (tx) => {
        if (user.version === 0) {
          await tx.insert(UserSchema, record);
        } else {
          const { id, createdAt: _createdAt, ...changes } = record;
          await tx.nativeUpdate(UserSchema, { id }, changes);
        }
        await this.outbox.append(tx, 'user', user.peekEvents());
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new EmailAlreadyRegisteredError();
      throw error;
    }
    user.pullEvents();
    user.markPersisted(1);
    this.outbox.committed();
  }
}
