import { DomainEvent } from '../shared';

export class UserRegistered extends DomainEvent<{ email: string; roles: string[] }> {
  static override readonly eventName = 'user.registered';
}

export class UserRoleGranted extends DomainEvent<{ role: string }> {
  static override readonly eventName = 'user.role-granted';
}

export class UserPasswordChanged extends DomainEvent<Record<string, never>> {
  static override readonly eventName = 'user.password-changed';
}

export const USER_EVENTS = [UserRegistered, UserRoleGranted, UserPasswordChanged] as const;
