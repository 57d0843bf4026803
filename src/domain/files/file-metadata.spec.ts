import { ValidationError } from '../shared';
import { FileMetadata, MAX_TAGS } from './file-metadata';

function refusal(props: Parameters<typeof FileMetadata.of>[0]): ValidationError {
  try {
    FileMetadata.of(props);
  } catch (e) {
    return e as ValidationError;
  }
  throw new Error('was accepted');
}

describe('FileMetadata', () => {
  it('defaults everything but the name to empty', () => {
    expect(FileMetadata.of({ name: 'a.txt' }).toProps()).toEqual({
      name: 'a.txt',
      capturedAt: null,
      tags: [],
      entityType: null,
      entityId: null,
      description: null,
    });
  });

  it('validates the name as a FileName', () => {
    expect(FileMetadata.of({ name: '' }).name).toBe('unnamed');
    expect(() => FileMetadata.of({ name: '../secret' })).toThrow(ValidationError);
  });

  describe('tags', () => {
    it('trims, drops empty ones and removes duplicates, keeping first-seen order', () => {
      const metadata = FileMetadata.of({
        name: 'a',
        tags: [' beach ', 'family', '', '   ', 'beach', 'family ', 'Beach'],
      });
      expect(metadata.tags).toEqual(['beach', 'family', 'Beach']);
    });

    it(`accepts ${MAX_TAGS} distinct tags`, () => {
      const tags = Array.from({ length: MAX_TAGS }, (_, i) => `t${i}`);
      expect(FileMetadata.of({ name: 'a', tags }).tags).toHaveLength(50);
    });

    it(`refuses more than ${MAX_TAGS} distinct tags`, () => {
      const tags = Array.from({ length: MAX_TAGS + 1 }, (_, i) => `t${i}`);
      const error = refusal({ name: 'a', tags });
      expect(error.fieldErrors?.[0].field).toBe('tags');
    });

    it('counts tags after removing duplicates', () => {
      const tags = [...Array.from({ length: MAX_TAGS }, (_, i) => `t${i}`), 't0', ' t1 '];
      expect(FileMetadata.of({ name: 'a', tags }).tags).toHaveLength(MAX_TAGS);
    });

    it('accepts a tag of 64 characters and refuses one of 65', () => {
      expect(FileMetadata.of({ name: 'a', tags: ['x'.repeat(64)] }).tags).toEqual(['x'.repeat(64)]);
      expect(refusal({ name: 'a', tags: ['x'.repeat(65)] }).fieldErrors?.[0].field).toBe('tags');
    });

    it.each(['a,b', 'a\u0000b', 'line\nbreak', 'del\u007f', 'c1\u0085', 'lone\ud800'])('refuses the tag %p', (tag) => {
      expect(refusal({ name: 'a', tags: [tag] }).fieldErrors?.[0].field).toBe('tags');
    });
  });

  describe('capturedAt', () => {
    it.each([
      ['2024-05-01T12:00:00Z', '2024-05-01T12:00:00.000Z'],
      ['2024-05-01T12:00:00.5Z', '2024-05-01T12:00:00.500Z'],
      ['2024-05-01T12:00:00.123456Z', '2024-05-01T12:00:00.123Z'],
      ['2024-05-01T14:30:00+02:00', '2024-05-01T12:30:00.000Z'],
      ['2024-05-01T08:00:00-0400', '2024-05-01T12:00:00.000Z'],
      ['2024-05-01T23:30:00-01:00', '2024-05-02T00:30:00.000Z'],
      ['2024-05-01t12:00z', '2024-05-01T12:00:00.000Z'],
      ['2024-05-01 12:00:00Z', '2024-05-01T12:00:00.000Z'],
      ['2024-05-01', '2024-05-01T00:00:00.000Z'],
      ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ])('parses %p to the ISO instant %p', (input, expected) => {
      expect(FileMetadata.of({ name: 'a', capturedAt: input }).capturedAt).toBe(expected);
    });

    it("reads a date-time without a zone as UTC, whatever the server's time zone", () => {
      expect(FileMetadata.of({ name: 'a', capturedAt: '2024-05-01T12:00:00' }).capturedAt).toBe(
        '2024-05-01T12:00:00.000Z',
      );
    });

    it('round-trips its own output', () => {
      const once = FileMetadata.of({ name: 'a', capturedAt: '2024-05-01T14:30:00.250+02:00' });
      expect(FileMetadata.of(once.toProps()).capturedAt).toBe(once.capturedAt);
    });

    it.each([
      'yesterday',
      '1',
      '2024',
      'May 1 2024',
      '2024-13-01',
      '2024-02-30',
      '2023-02-29T00:00:00Z',
      '2024-05-01T24:00:00Z',
      '2024-05-01T12:60:00Z',
      '2024-05-01T12:00:00+24:00',
      '01/05/2024',
    ])('refuses %p', (input) => {
      const error = refusal({ name: 'a', capturedAt: input });
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.fieldErrors).toEqual([{ field: 'capturedAt', message: 'must be an ISO 8601 date-time' }]);
    });

    it.each([
      ['year 0000', '0000-01-01'],
      ['a time that is year 0000 in UTC', '0001-01-01T00:30:00+01:00'],
    ])('refuses %s: PostgreSQL cannot store it', (_what, input) => {
      expect(refusal({ name: 'a', capturedAt: input }).fieldErrors).toEqual([
        { field: 'capturedAt', message: 'must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z' },
      ]);
    });

    it('accepts the first and the last storable instant', () => {
      expect(FileMetadata.of({ name: 'a', capturedAt: '0001-01-01' }).capturedAt).toBe('0001-01-01T00:00:00.000Z');
      expect(FileMetadata.of({ name: 'a', capturedAt: '9999-12-31T23:59:59.999Z' }).capturedAt).toBe(
        '9999-12-31T23:59:59.999Z',
      );
    });

    it.each([null, undefined, ''])('treats %p as not captured', (capturedAt) => {
      expect(FileMetadata.of({ name: 'a', capturedAt }).capturedAt).toBeNull();
    });
  });

  describe('entity link', () => {
    it('keeps a type and id given together, trimmed', () => {
      const metadata = FileMetadata.of({ name: 'a', entityType: ' order ', entityId: ' ord_123:v2 ' });
      expect(metadata.entityType).toBe('order');
      expect(metadata.entityId).toBe('ord_123:v2');
    });

    it.each([
      [{ entityType: 'order' }],
      [{ entityId: '123' }],
      [{ entityType: 'order', entityId: '   ' }],
      [{ entityType: null, entityId: '123' }],
    ])('refuses one without the other: %p', (link) => {
      expect(refusal({ name: 'a', ...link }).fieldErrors?.[0]).toEqual({
        field: 'entityId',
        message: 'entityType and entityId go together',
      });
    });

    it.each([
      ['entityType', { entityType: 'or der', entityId: '1' }],
      ['entityType', { entityType: 'x'.repeat(129), entityId: '1' }],
      ['entityId', { entityType: 'order', entityId: '1/2' }],
      ['entityId', { entityType: 'order', entityId: 'ü' }],
    ])('refuses an unsafe %s', (field, link) => {
      expect(refusal({ name: 'a', ...link }).fieldErrors?.[0].field).toBe(field);
    });
  });

  describe('description', () => {
    it('is trimmed, and blank means none', () => {
      expect(FileMetadata.of({ name: 'a', description: '  hi  ' }).description).toBe('hi');
      expect(FileMetadata.of({ name: 'a', description: '   ' }).description).toBeNull();
    });

    it('keeps tabs and line breaks', () => {
      expect(FileMetadata.of({ name: 'a', description: 'one\r\n\ttwo\nthree' }).description).toBe(
        'one\r\n\ttwo\nthree',
      );
    });

    it.each([
      ['a NUL', 'a\u0000b'],
      ['a vertical tab', 'a\u000bb'],
      ['an escape sequence', '\u001b[31mred'],
      ['a C1 control', 'a\u0085b'],
      ['an unpaired surrogate', 'a\ud800b'],
    ])('refuses %s', (_what, description) => {
      expect(refusal({ name: 'a', description }).fieldErrors?.[0].field).toBe('description');
    });

    it('accepts 4000 characters and refuses 4001', () => {
      expect(FileMetadata.of({ name: 'a', description: 'd'.repeat(4000) }).description).toHaveLength(4000);
      expect(refusal({ name: 'a', description: 'd'.repeat(4001) }).fieldErrors?.[0].field).toBe('description');
    });
  });

  describe('with', () => {
    const base = FileMetadata.of({
      name: 'a.jpg',
      capturedAt: '2024-05-01T12:00:00Z',
      tags: ['x'],
      entityType: 'order',
      entityId: '1',
      description: 'desc',
    });

    it('replaces only the fields given and leaves the original untouched', () => {
      const next = base.with({ name: 'b.jpg', tags: ['y', 'z'] });
      expect(next.toProps()).toEqual({ ...base.toProps(), name: 'b.jpg', tags: ['y', 'z'] });
      expect(base.name).toBe('a.jpg');
    });

    it('treats undefined as "not given"', () => {
      const next = base.with({
        name: undefined,
        capturedAt: undefined,
        tags: undefined,
        entityType: undefined,
        entityId: undefined,
        description: undefined,
      });
      expect(next.toProps()).toEqual(base.toProps());
    });

    it('treats null as "clear"', () => {
      const next = base.with({ capturedAt: null, entityType: null, entityId: null, description: null });
      expect(next.toProps()).toEqual({
        name: 'a.jpg',
        capturedAt: null,
        tags: ['x'],
        entityType: null,
        entityId: null,
        description: null,
      });
    });

    it('validates the result', () => {
      expect(() => base.with({ entityType: null })).toThrow(ValidationError);
    });
  });
});
