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
