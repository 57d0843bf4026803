import { createHash } from 'node:crypto';
import { ValidationError } from '../shared';
import { UploadTarget, UploadTargetProps } from './upload-target';

const DIGEST = createHash('sha256').update('hello world').digest();
const HEX = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';
const BASE64 = DIGEST.toString('base64');
const BASE64URL = DIGEST.toString('base64url');

function target(overrides: Partial<UploadTargetProps> = {}): UploadTarget {
  return UploadTarget.of({ metadata: { name: 'report.pdf' }, mimeType: 'application/pdf', ...overrides });
}

function expectValidation(run: () => unknown, code: string): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).code).toBe(code);
}

describe('UploadTarget', () => {
  describe('type', () => {
    it('normalises the MIME type to its lowercase essence, dropping parameters', () => {
      const t = target({ mimeType: 'Text/Plain; charset=UTF-8' });
      expect(t.type.mimeType).toBe('text/plain');
      expect(t.toProps().mimeType).toBe('text/plain');
    });

    it.each([
      ['image/png', 'image'],
      ['video/mp4', 'video'],
      ['audio/mpeg', 'audio'],
      ['application/pdf', 'document'],
      ['text/csv', 'document'],
      ['application/zip', 'archive'],
      ['application/x-custom', 'other'],
    ])('derives the category of %s as %s', (mimeType, category) => {
      expect(target({ mimeType }).type.category).toBe(category);
    });

    it('defaults to application/octet-stream (other) without a MIME type', () => {
      const t = target({ mimeType: undefined });
      expect(t.type.mimeType).toBe('application/octet-stream');
      expect(t.type.category).toBe('other');
    });

    it('keeps an explicit category over the derived one, and in toProps', () => {
      const t = target({ mimeType: 'application/pdf', category: 'image' });
      expect(t.type.category).toBe('image');
      expect(t.toProps().category).toBe('image');
    });

    it('leaves a derived category out of toProps, so it is derived afresh', () => {
      expect(target({ mimeType: 'application/pdf' }).toProps()).not.toHaveProperty('category');
    });

    it.each(['pdf', 'text/', '/plain', 'text/pl ain', 'tëxt/plain'])(
      'refuses %p as a MIME type with invalid-mime-type',
      (mimeType) => {
        expectValidation(() => target({ mimeType }), 'invalid-mime-type');
      },
    );

    it('refuses an unknown category with invalid-category', () => {
      expectValidation(() => target({ category: 'spreadsheet' }), 'invalid-category');
    });
  });

  describe('metadata', () => {
    it('keeps the file name and the other metadata', () => {
      const t = target({
        metadata: { name: ' report.pdf ', tags: ['q1', 'q1', ' finance '], description: 'Quarterly' },
      });
      expect(t.metadata.name).toBe('report.pdf');
      expect(t.metadata.tags).toEqual(['q1', 'finance']);
      expect(t.metadata.description).toBe('Quarterly');
    });

    it.each(['../etc/passwd', 'dir/report.pdf', 'dir\\report.pdf'])(
      'refuses the path-like name %p with invalid-file-name',
      (name) => {
        expectValidation(() => target({ metadata: { name } }), 'invalid-file-name');
      },
    );

    it.each(['', '   '])('names a file with the blank name %p "unnamed"', (name) => {
      expect(target({ metadata: { name } }).metadata.name).toBe('unnamed');
    });
  });

  describe('expectedSha256', () => {
    it('is null when none was declared', () => {
      expect(target().expectedSha256).toBeNull();
      expect(target({ expectedSha256: '' }).expectedSha256).toBeNull();
      expect(target().toProps()).not.toHaveProperty('expectedSha256');
    });

    it('keeps a hex digest as lowercase hex', () => {
      expect(target({ expectedSha256: HEX.toUpperCase() }).expectedSha256?.hex).toBe(HEX);
    });

    it('turns a base64 digest into hex', () => {
      expect(BASE64).toHaveLength(44);
      expect(target({ expectedSha256: BASE64 }).expectedSha256?.hex).toBe(HEX);
    });

    it('turns a base64url digest into hex', () => {
      expect(target({ expectedSha256: BASE64URL }).expectedSha256?.hex).toBe(HEX);
    });

    it('gives the hex form in toProps', () => {
      expect(target({ expectedSha256: BASE64 }).toProps().expectedSha256).toBe(HEX);
    });

    it.each(['abc', HEX.slice(1), `${HEX}0`, 'g'.repeat(64), BASE64.slice(1)])(
      'refuses %p with invalid-sha256',
      (expectedSha256) => {
        expectValidation(() => target({ expectedSha256 }), 'invalid-sha256');
      },
    );
  });

  describe('providerPreference', () => {
    it('is trimmed', () => {
      expect(target({ providerPreference: '  s3-eu  ' }).providerPreference).toBe('s3-eu');
    });

    it.each([undefined, '', '   '])('is null when %p', (providerPreference) => {
      const t = target({ providerPreference });
      expect(t.providerPreference).toBeNull();
      expect(t.toProps()).not.toHaveProperty('providerPreference');
    });
  });

  describe('toProps', () => {
    it('gives the normalised props, which round-trip through of()', () => {
      const original = UploadTarget.of({
        metadata: {
          name: 'Holiday.JPG',
          capturedAt: '2025-07-14T12:30:00+02:00',
          tags: ['beach', 'summer'],
          entityType: 'album',
          entityId: 'a-42',
          description: 'On the beach',
        },
        mimeType: 'IMAGE/JPEG; q=0.9',
        category: 'document',
        expectedSha256: BASE64,
        providerPreference: ' local ',
      });
      const props = original.toProps();
      expect(props).toEqual({
        metadata: {
          name: 'Holiday.JPG',
          capturedAt: '2025-07-14T10:30:00.000Z',
          tags: ['beach', 'summer'],
          entityType: 'album',
          entityId: 'a-42',
          description: 'On the beach',
        },
        mimeType: 'image/jpeg',
        category: 'document',
        expectedSha256: HEX,
        providerPreference: 'local',
      });
      const copy = UploadTarget.of(props);
      expect(copy.toProps()).toEqual(props);
      expect(copy.type.category).toBe('document');
      expect(copy.expectedSha256?.equals(original.expectedSha256!)).toBe(true);
    });

    it('round-trips a minimal target', () => {
      const props = target({ mimeType: undefined }).toProps();
      expect(props).toEqual({
        metadata: {
          name: 'report.pdf',
          capturedAt: null,
          tags: [],
          entityType: null,
          entityId: null,
          description: null,
        },
        mimeType: 'application/octet-stream',
      });
      expect(UploadTarget.of(props).toProps()).toEqual(props);
    });
  });
});
