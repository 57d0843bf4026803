import { Actor } from '../../../domain/auth';

export interface IssuedAccessToken {
  token: string;
  /** Seconds until it expires. */
  expiresIn: number;
}

/** Port: signs the short-lived bearer tokens the API accepts. */
export interface TokenIssuer {
  issueAccessToken(actor: Actor): Promise<IssuedAccessToken>;
}

export const TOKEN_ISSUER = Symbol('TokenIssuer');
