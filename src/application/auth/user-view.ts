import { User } from '../../domain/auth';

/** What clients see of an account. The password hash never leaves the server. */
export interface UserView {
  id: string;
  email: string;
  roles: string[];
  createdAt: string;
}

export function toUserView(user: User): UserView {
  return { id: user.id, email: user.email.value, roles: [...user.roles], createdAt: user.createdAt.toISOString() };
}
