import { Email } from './email';
import { User } from './user';

/** Port: loads and saves User aggregates. `save` also stores the aggregate's pending events. */
export interface UserRepository {
  findById(id: string): Promise<User | null>;
  findByEmail(email: Email): Promise<User | null>;
  /** Throws EmailAlreadyRegisteredError when another user already has the address. */
  save(user: User): Promise<void>;
}

export const USER_REPOSITORY = Symbol('UserRepository');
