import { ValidationError } from '../shared';
import { FileName } from './file-name';

function refusal(raw: string): ValidationError {
  try {
    FileName.of(raw);
  } catch (e) {
    return e as ValidationError;
  }
  throw new Error(`${JSON.stringify(raw)} was accepted`);
}

describe('FileName', () => {
  it.each([
    ['holiday.jpg'],
    ['Quarterly report (final) v2.docx'],
    ['.bashrc'],
    ['...'],
    ['файл.txt'],
    ['写真 2024.heic'],
    ['😀 party.png'],
    ['archive.tar.gz'],
  ])('keeps the ordinary name %p', (name) => {
    expect(FileName.of(name).value).toBe(name);
  });

  it('trims surrounding whitespace', () => {
    expect(FileName.of('  report.pdf \t').value).toBe('report.pdf');
  });

  it('normalises to NFC, so decomposed and composed accents give the same name', () => {
    const decomposed = 'Cafe\u0301 re\u0301sume\u0301.txt';
    const name = FileName.of(decomposed).value;
    expect(name).toBe('Caf\u00e9 r\u00e9sum\u00e9.txt');
    expect(name).toBe(FileName.of('Café résumé.txt').value);
    expect(name.length).toBe(decomposed.length - 3);
  });

  it.each([undefined, null, '', '   '])('names a file without a name %p "unnamed"', (raw) => {
    expect(FileName.of(raw).value).toBe('unnamed');
    expect(FileName.UNNAMED).toBe('unnamed');
  });

  it.each([
    ['a Unix path traversal', '../../etc/passwd'],
    ['a Windows path traversal', '..\\..\\win.ini'],
    ['a relative path', 'a/b'],
    ['an absolute path', '/etc/passwd'],
    ['a Windows path', 'C:\\Users\\me\\file.txt'],
    ['a trailing slash', 'photos/'],
  ])('refuses %s (%p) rather than cutting it', (_what, raw) => {
    const error = refusal(raw);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('invalid-file-name');
    expect(error.message).toMatch(/path separator/);
    expect(error.fieldErrors).toEqual([{ field: 'name', message: error.message }]);
  });

  it.each(['.', '..', ' .. '])('refuses the dot name %p', (raw) => {
    expect(refusal(raw).message).toMatch(/"\." or "\.\."/);
  });

  it.each([
    ['NUL', 'a\u0000b.txt'],
    ['a newline inside', 'evil\nname.txt'],
    ['a carriage return inside', 'evil\rname.txt'],
    ['a tab inside', 'a\tb.txt'],
    ['escape', 'a\u001b[31mred.txt'],
    ['DEL', 'a\u007fb.txt'],
    ['a C1 control', 'a\u0085b.txt'],
    ['the right-to-left override U+202E', 'invoice\u202Egpj.exe'],
    ['the left-to-right embedding U+202A', 'a\u202Ab.txt'],
    ['the right-to-left isolate U+2067', 'a\u2067b.txt'],
    ['the pop directional isolate U+2069', 'a\u2069b.txt'],
  ])('refuses a name containing %s', (_what, raw) => {
    const error = refusal(raw);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/control characters/);
  });

  it.each([
    ['a lone high surrogate', 'a\ud800.txt'],
    ['a lone low surrogate', '\udc00.txt'],
  ])('refuses a name holding %s, which no column can store', (_what, raw) => {
    const error = refusal(raw);
    expect(error.code).toBe('invalid-file-name');
    expect(error.message).toMatch(/well-formed Unicode/);
  });

  it('accepts a name of exactly 255 UTF-8 bytes', () => {
    expect(FileName.of('a'.repeat(255)).value).toHaveLength(255);
    const multiByte = '\u00e9'.repeat(127) + 'a'; // 127 × 2 bytes + 1
    expect(FileName.of(multiByte).value).toBe(multiByte);
  });

  it('refuses a name longer than 255 UTF-8 bytes, counting bytes rather than characters', () => {
    expect(refusal('a'.repeat(256)).message).toMatch(/255 bytes/);
    // 128 characters, but 256 bytes.
    expect(refusal('\u00e9'.repeat(128)).message).toMatch(/255 bytes/);
    // 64 emoji are 64 code points but 256 bytes.
    expect(refusal('😀'.repeat(64)).message).toMatch(/255 bytes/);
  });

  it('measures the length after NFC normalisation', () => {
    // 100 × "e\u0301" is 300 bytes decomposed but 200 composed, so it fits; 200 of them are 400 bytes even composed.
    expect(FileName.of('e\u0301'.repeat(100)).value).toBe('\u00e9'.repeat(100));
    expect(() => FileName.of('e\u0301'.repeat(200))).toThrow(ValidationError);
  });
});
