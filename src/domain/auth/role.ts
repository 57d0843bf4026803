export enum Role {
  User = 'user',
  Admin = 'admin',
}

/** Who is acting: every file operation is checked against this. */
export interface Actor {
  userId: string;
  roles: readonly Role[];
}

export function isAdmin(actor: Actor): boolean {
  return actor.roles.includes(Role.Admin);
}

const KNOWN_ROLES: readonly string[] = Object.values(Role);

/**
 * The roles this service knows among names that came from outside (a token, a row). Unknown names
 * are dropped rather than refused: an identity provider may carry roles meant for other services.
 */
export function knownRoles(names: readonly unknown[]): Role[] {
  const roles = names.filter((n): n is Role => typeof n === 'string' && KNOWN_ROLES.includes(n));
  return [...new Set(roles)];
}
