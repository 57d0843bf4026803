import { FILE_EVENTS, FileDeleted, FileUploaded } from '../files/file.events';
import { DomainEvent } from './domain-event';
import { DomainEventRegistry } from './domain-event-registry';

class Renamed extends DomainEvent<{ ownerId: string }> {
  static override readonly eventName = 'file.deleted';
}

describe('DomainEventRegistry', () => {
  it('resolves a stored event name to its class, so a rebuilt event is an instance of it', () => {
    const registry = new DomainEventRegistry([...FILE_EVENTS]);
    const EventClass = registry.resolve('file.uploaded');
    expect(EventClass).toBe(FileUploaded);
    const rebuilt = new EventClass!('file-1', { ownerId: 'u', size: 1 }, '2024-05-01T00:00:00.000Z');
    expect(rebuilt).toBeInstanceOf(FileUploaded);
    expect(rebuilt.eventName).toBe('file.uploaded');
    expect(rebuilt.occurredAt).toBe('2024-05-01T00:00:00.000Z');
  });

  it('resolves every file event by its own name', () => {
    const registry = new DomainEventRegistry([...FILE_EVENTS]);
    for (const EventClass of FILE_EVENTS) expect(registry.resolve(EventClass.eventName)).toBe(EventClass);
  });

  it('still resolves the events an upload recorded before it recorded one, so old outbox rows decode', () => {
    const registry = new DomainEventRegistry([...FILE_EVENTS]);
    for (const name of ['file.created', 'file.upload-started', 'file.archived'])
      expect(registry.resolve(name)?.eventName).toBe(name);
  });

  it('gives undefined for a name it does not know', () => {
    expect(new DomainEventRegistry([...FILE_EVENTS]).resolve('file.vanished')).toBeUndefined();
  });

  it('accepts the same class registered twice', () => {
    const registry = new DomainEventRegistry([FileDeleted]);
    expect(() => registry.register(FileDeleted)).not.toThrow();
    expect(registry.resolve('file.deleted')).toBe(FileDeleted);
  });

  it('refuses a second class with a name already taken, and keeps the first', () => {
    const registry = new DomainEventRegistry([FileDeleted]);
    expect(() => registry.register(Renamed)).toThrow('Two event classes are named file.deleted.');
    expect(registry.resolve('file.deleted')).toBe(FileDeleted);
    expect(() => new DomainEventRegistry([FileDeleted, Renamed])).toThrow(/file\.deleted/);
  });

  it('gives every file event a distinct name', () => {
    const names = FILE_EVENTS.map((e) => e.eventName);
    expect(new Set(names).size).toBe(names.length);
  });
});
