/** The `iss` of access tokens this service signs. */
export const OWN_ISSUER = 'flexstorage';

/** Marks our access tokens, so no other token we might ever sign with the same secret passes as one. */
export const ACCESS_TOKEN_TYPE = 'access';

export interface OwnAccessTokenClaims {
  sub: string;
  roles: string[];
  typ: typeof ACCESS_TOKEN_TYPE;
}
