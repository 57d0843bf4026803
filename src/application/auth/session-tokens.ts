import { Inject, Injectable } from '@nestjs/common';
import { User } from '../../domain/auth';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../ports';
import { REFRESH_TOKEN_STORE, RefreshTokenStore, TOKEN_ISSUER, TokenIssuer } from './ports';

/** The OAuth 2-style answer of every endpoint that signs someone in. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
}

/** Issues an access token and a refresh token for a user, starting or continuing a token family. */
@Injectable()
export class SessionTokens {
  constructor(
    @Inject(TOKEN_ISSUER) private readonly accessTokens: TokenIssuer,
    @Inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStore,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A sign-in: a new family, so that theft detected later ends only this sign-in's sessions. */
  start(user: User): Promise<TokenPair> {
    return this.issue(user, this.ids.next());
  }

  /** A rotation: the successor belongs to the family of the token it replaces. */
  continue(user: User, familyId: string): Promise<TokenPair> {
    return this.issue(user, familyId);
  }

  private async issue(user: User, familyId: string): Promise<TokenPair> {
    const access = await this.accessTokens.issueAccessToken(user.toActor());
    const refresh = await this.refreshTokens.issue(user.id, familyId, this.clock.now());
    return { accessToken: access.token, refreshToken: refresh.token, tokenType: 'Bearer', expiresIn: access.expiresIn };
  }
}
