import { ValidationError } from '../shared';
import { FILE_CATEGORIES, FileType, isFileCategory } from './file-type';

describe('FileType', () => {
  it.each([
    ['image/jpeg', 'image'],
    ['image/heic', 'image'],
    ['video/mp4', 'video'],
    ['audio/mpeg', 'audio'],
    ['application/pdf', 'document'],
    ['text/plain', 'document'],
    ['text/csv', 'document'],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'document'],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'document'],
    ['application/msword', 'document'],
    ['application/zip', 'archive'],
    ['application/x-tar', 'archive'],
    ['application/gzip', 'archive'],
    ['application/x-7z-compressed', 'archive'],
    ['application/octet-stream', 'other'],
    ['application/x-unknown-thing', 'other'],
    ['model/gltf+json', 'other'],
  ])('files %s under %s', (mime, category) => {
    const type = FileType.of(mime);
    expect(type.mimeType).toBe(mime);
    expect(type.category).toBe(category);
  });

  it('strips parameters and lowercases the essence', () => {
    const type = FileType.of('Text/HTML; charset=UTF-8');
    expect(type.mimeType).toBe('text/html');
    expect(type.category).toBe('document');
  });

  it('trims spaces around the essence', () => {
    expect(FileType.of('  IMAGE/PNG  ').mimeType).toBe('image/png');
  });

  it.each([undefined, '', '   ', '; charset=utf-8'])('falls back to application/octet-stream for %p', (mime) => {
    const type = FileType.of(mime);
    expect(type.mimeType).toBe(FileType.OCTET_STREAM);
    expect(type.mimeType).toBe('application/octet-stream');
    expect(type.category).toBe('other');
  });

  it.each([
    'image',
    'image/',
    '/png',
    'image/png/extra',
    'image/*',
    'text/ plain',
    'ima ge/png',
    '-image/png',
    'image/p"ng',
    'a'.repeat(128) + '/x',
  ])('refuses the invalid MIME type %p', (mime) => {
    let error: unknown;
    try {
      FileType.of(mime);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('invalid-mime-type');
    expect((error as ValidationError).fieldErrors?.[0].field).toBe('mimeType');
  });

  it('lets an explicit category override the derived one', () => {
    const type = FileType.of('application/pdf', 'image');
    expect(type.mimeType).toBe('application/pdf');
    expect(type.category).toBe('image');
  });

  it.each(['Image', 'photos', ''])('refuses the unknown category %p', (category) => {
    let error: unknown;
    try {
      FileType.of('image/png', category);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('invalid-category');
    expect((error as ValidationError).fieldErrors?.[0].field).toBe('category');
  });

  it('knows exactly the six categories', () => {
    expect([...FILE_CATEGORIES]).toEqual(['image', 'video', 'audio', 'document', 'archive', 'other']);
    expect(FILE_CATEGORIES.every(isFileCategory)).toBe(true);
    expect(isFileCategory('pdf')).toBe(false);
  });
});

describe('FileType.withChanges', () => {
  const pdfAsImage = FileType.of('application/pdf', 'image');

  it('keeps everything when nothing changes', () => {
    expect(pdfAsImage.withChanges({})).toBe(pdfAsImage);
  });

  it('derives the category afresh from a new MIME type given alone', () => {
    expect(pdfAsImage.withChanges({ mimeType: 'video/mp4' })).toMatchObject({
      mimeType: 'video/mp4',
      category: 'video',
    });
  });

  it('keeps the MIME type when only the category changes', () => {
    expect(pdfAsImage.withChanges({ category: 'archive' })).toMatchObject({
      mimeType: 'application/pdf',
      category: 'archive',
    });
  });

  it('takes both when both are given, and validates them', () => {
    expect(pdfAsImage.withChanges({ mimeType: 'text/plain', category: 'other' })).toMatchObject({
      mimeType: 'text/plain',
      category: 'other',
    });
    expect(() => pdfAsImage.withChanges({ mimeType: 'not a type' })).toThrow(ValidationError);
  });
});
