import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { PasswordHasher } from '../../application/auth/ports';

/**
 * argon2id with OWASP's baseline cost (19 MiB, 2 passes, 1 lane): ~0.1 s per hash here, and one
 * lane so that a burst of sign-ins does not take every core. Parameters live in each encoded hash,
 * so raising them later leaves existing hashes verifiable.
 */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class Argon2PasswordHasher implements PasswordHasher {
  // A hash of a secret nobody knows, verified against when there is no account, to spend the same time.
  private decoy?: Promise<string>;

  hash(plain: string): Promise<string> {
    return argon2.hash(plain, OPTIONS);
  }

  async verify(plain: string, hash: string | null): Promise<boolean> {
    if (hash === null) {
      this.decoy ??= argon2.hash(randomBytes(32).toString('hex'), OPTIONS);
      await argon2.verify(await this.decoy, plain);
      return false;
    }
    return argon2.verify(hash, plain);
  }
}
