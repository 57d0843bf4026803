import { createHash } from 'node:crypto';
import { ValidationError } from '../shared';
import { FileHash } from './file-hash';

// A known digest, computed independently of the code under test.
const digest = createHash('sha256').update('FlexStorage').digest();
const HEX = digest.toString('hex');
const BASE64 = digest.toString('base64');
const BASE64URL = digest.toString('base64url');

describe('FileHash', () => {
  it('keeps a lowercase hex digest as it is', () => {
    expect(FileHash.sha256(HEX).hex).toBe(HEX);
  });

  it('normalises uppercase hex and surrounding spaces to lowercase hex', () => {
    expect(FileHash.sha256(`  ${HEX.toUpperCase()}\n`).hex).toBe(HEX);
    expect(FileHash.parse(HEX.toUpperCase()).hex).toBe(HEX);
  });

  it('parses standard base64 of the 32 raw bytes into the same hex', () => {
    expect(BASE64).toHaveLength(44);
    expect(FileHash.parse(BASE64).hex).toBe(HEX);
  });

  it('parses base64url of the 32 raw bytes into the same hex', () => {
    expect(BASE64URL).toHaveLength(43);
    expect(FileHash.parse(BASE64URL).hex).toBe(HEX);
  });

  it('decodes every base64 alphabet character, including + / - _', () => {
    // 0xfb 0xff 0xbf … encodes to characters from both ends of the alphabet.
    const bytes = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) bytes[i] = (i * 37 + 0xfb) & 0xff;
    bytes[0] = 0xfb;
    bytes[1] = 0xff;
    bytes[2] = 0xbf;
    const b64 = bytes.toString('base64');
    const b64url = bytes.toString('base64url');
    expect(b64).toMatch(/[+/]/);
    expect(b64url).toMatch(/[-_]/);
    expect(FileHash.parse(b64).hex).toBe(bytes.toString('hex'));
    expect(FileHash.parse(b64url).hex).toBe(bytes.toString('hex'));
  });

  it('parses the digests of many random inputs consistently across encodings', () => {
    for (let i = 0; i < 50; i++) {
      const d = createHash('sha256').update(`input-${i}`).digest();
      const hex = d.toString('hex');
      expect(FileHash.parse(d.toString('base64')).hex).toBe(hex);
      expect(FileHash.parse(d.toString('base64url')).hex).toBe(hex);
    }
  });

  it('treats two encodings of one digest as equal', () => {
    expect(FileHash.parse(BASE64).equals(FileHash.sha256(HEX))).toBe(true);
    expect(FileHash.parse(BASE64).equals(FileHash.sha256('0'.repeat(64)))).toBe(false);
  });

  it.each([
    ['63 hex characters', HEX.slice(1)],
    ['65 hex characters', `${HEX}0`],
    ['a non-hex character', `${HEX.slice(1)}g`],
    ['an empty string', ''],
    ['a SHA-1 digest', createHash('sha1').update('x').digest('hex')],
    ['base64 of 31 bytes', digest.subarray(1).toString('base64')],
    ['base64 missing its padding and using +', `${BASE64.slice(0, 42)}+`],
    ['base64 with a character outside the alphabet', `${BASE64.slice(0, 42)}*=`],
    ['a sha256= prefixed header value', `sha256=${BASE64}`],
  ])('refuses %s', (_what, value) => {
    let error: unknown;
    try {
      FileHash.parse(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('invalid-sha256');
    expect((error as ValidationError).fieldErrors?.[0].field).toBe('sha256');
  });

  it('does not accept base64 where only hex is allowed', () => {
    expect(() => FileHash.sha256(BASE64)).toThrow(ValidationError);
  });
});
