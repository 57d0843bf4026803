/** Port: one-way password hashing (argon2id in production). */
export interface PasswordHasher {
  hash(plain: string): Promise<string>;
  /**
   * Whether `plain` matches `hash`. With no hash (no such account) it does the same work and
   * answers false, so response times do not tell which email addresses have accounts.
   */
  verify(plain: string, hash: string | null): Promise<boolean>;
}

export const PASSWORD_HASHER = Symbol('PasswordHasher');
