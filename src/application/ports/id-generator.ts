export interface IdGenerator {
  /** A new, time-ordered unique id (UUIDv7). */
  next(): string;
}
export const ID_GENERATOR = Symbol('IdGenerator');
