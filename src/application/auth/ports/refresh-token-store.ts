export interface IssuedRefreshToken {
  /** The opaque secret handed to the client; the store keeps only its SHA-256. */
  token: string;
  expiresAt: Date;
}

/** What presenting a refresh token turned out to be. */
export type RefreshTokenUse =
  /** It was valid and is now used up: issue its successor in the same family. */
  | { outcome: 'consumed'; userId: string; familyId: string }
  /** It had been used (rotated) or revoked before: someone is replaying it. */
  | { outcome: 'replayed'; userId: string; familyId: string }
  | { outcome: 'expired' }
  | { outcome: 'unknown' };

/**
 * Port: refresh tokens, grouped in families. A family starts at sign-in and continues through each
 * rotation, so a replayed token can end every session that descends from the same sign-in.
 */
export interface RefreshTokenStore {
  issue(userId: string, familyId: string, now: Date): Promise<IssuedRefreshToken>;
  /** Atomic: of two concurrent calls with the same token, exactly one sees `consumed`. */
  consume(token: string, now: Date): Promise<RefreshTokenUse>;
  revokeFamily(familyId: string, now: Date): Promise<void>;
  revokeAllOfUser(userId: string, now: Date): Promise<void>;
}

export const REFRESH_TOKEN_STORE = Symbol('RefreshTokenStore');
