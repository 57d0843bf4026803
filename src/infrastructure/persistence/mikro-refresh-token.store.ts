import { createHash, randomBytes } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { IssuedRefreshToken, RefreshTokenStore, RefreshTokenUse } from '../../application/auth/ports';
import { ID_GENERATOR, IdGenerator } from '../../application/ports';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RefreshTokenSchema } from './schemas/user.record';

// 256 bits from the CSPRNG: guessing one is hopeless, so a plain SHA-256 (no salt, no slow hash)
// is enough to make a stolen table useless while keeping lookups an index probe.
const TOKEN_BYTES = 32;

function digest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

interface UsedRow {
  user_id: string;
  family_id: string;
}

/** Refresh tokens in `refresh_tokens`: a used or revoked token has revoked_at set. */
@Injectable()
export class MikroRefreshTokenStore implements RefreshTokenStore {
  constructor(
    private readonly em: EntityManager,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issue(userId: string, familyId: string, now: Date): Promise<IssuedRefreshToken> {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.config.jwtRefreshTtlSeconds * 1000);
    await this.em.fork().insert(RefreshTokenSchema, {
      id: this.ids.next(),
      userId,
      familyId,
      tokenHash: digest(token),
      expiresAt,
      revokedAt: null,
      createdAt: now,
    });
    return { token, expiresAt };
  }

  async consume(token: string, now: Date): Promise<RefreshTokenUse> {
    const tokenHash = digest(token);
    const em = this.em.fork();
    // One conditional UPDATE, so two concurrent refreshes with one token cannot both win.
    const used: UsedRow[] = await em
      .getConnection()
      .execute(
        `update refresh_tokens set revoked_at = ? where token_hash = ? and revoked_at is null and expires_at > ? returning user_id, family_id`,
        [now, tokenHash, now],
        'all',
      );
    if (used.length) return { outcome: 'consumed', userId: used[0].user_id, familyId: used[0].family_id };
    const row = await em.findOne(RefreshTokenSchema, { tokenHash });
    if (!row) return { outcome: 'unknown' };
    if (row.revokedAt) return { outcome: 'replayed', userId: row.userId, familyId: row.familyId };
    return { outcome: 'expired' };
  }

  async revokeFamily(familyId: string, now: Date): Promise<void> {
    await this.em.fork().nativeUpdate(RefreshTokenSchema, { familyId, revokedAt: null }, { revokedAt: now });
  }

  async revokeAllOfUser(userId: string, now: Date): Promise<void> {
    await this.em.fork().nativeUpdate(RefreshTokenSchema, { userId, revokedAt: null }, { revokedAt: now });
  }
}
