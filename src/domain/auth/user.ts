import { AggregateRoot } from '../shared';
import { Email } from './email';
import { Actor, Role } from './role';
import { UserPasswordChanged, UserRegistered, UserRoleGranted } from './user.events';

export interface UserState {
  id: string;
  email: Email;
  /** An encoded hash (argon2id); the domain never sees a plain password after registration. */
  passwordHash: string;
  roles: Role[];
  createdAt: Date;
}

/** Someone who signs in with an email and a password. Users of external issuers have no User. */
export class User extends AggregateRoot {
  private constructor(
    private state: UserState,
    version: number,
  ) {
    super(state.id, version);
  }

  /** Self-registration: always a plain user. Admin is only ever granted, never asked for. */
  static register(props: { id: string; email: Email; passwordHash: string; now: Date }): User {
    const user = new User(
      { id: props.id, email: props.email, passwordHash: props.passwordHash, roles: [Role.User], createdAt: props.now },
      0,
    );
    user.record(new UserRegistered(user.id, { email: props.email.value, roles: [Role.User] }, props.now.toISOString()));
    return user;
  }

  static reconstitute(state: UserState, version: number): User {
    return new User({ ...state, roles: [...state.roles] }, version);
  }

  get email(): Email {
    return this.state.email;
  }
  get passwordHash(): string {
    return this.state.passwordHash;
  }
  get roles(): readonly Role[] {
    return this.state.roles;
  }
  get createdAt(): Date {
    return this.state.createdAt;
  }

  hasRole(role: Role): boolean {
    return this.state.roles.includes(role);
  }

  grantRole(role: Role, now: Date): void {
    if (this.hasRole(role)) return;
    this.state.roles = [...this.state.roles, role];
    this.record(new UserRoleGranted(this.id, { role }, now.toISOString()));
  }

  changePassword(passwordHash: string, now: Date): void {
    this.state.passwordHash = passwordHash;
    this.record(new UserPasswordChanged(this.id, {}, now.toISOString()));
  }

  toActor(): Actor {
    return { userId: this.id, roles: [...this.state.roles] };
  }

  snapshot(): Readonly<UserState> {
    return { ...this.state, roles: [...this.state.roles] };
  }
}
