import { ValidationError } from './domain-error';
import { checkedText, isStorableText, textReason, unstorableTextReason } from './text';

const C0 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i));
const C1 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(0x80 + i));
const hex = (s: string) => `U+${s.codePointAt(0)!.toString(16).padStart(4, '0')}`;

describe('text', () => {
  describe('what any string must be to be stored (isStorableText)', () => {
    it.each([
      ['plain ASCII', 'holiday.jpg'],
      ['accents, CJK and emoji (paired surrogates)', 'Café 写真 😀'],
      ['tabs, line breaks and other controls', 'a\tb\nc\r\u0007\u007f\u0085'],
      ['the empty string', ''],
    ])('accepts %s', (_what, value) => {
      expect(isStorableText(value)).toBe(true);
      expect(unstorableTextReason(value)).toBeUndefined();
    });

    it.each([
      ['a lone high surrogate', '\ud800@x.io', /unpaired surrogate/],
      ['a lone low surrogate', 'a\udc00', /unpaired surrogate/],
      ['surrogates in the wrong order', '\ude00\ud83d', /unpaired surrogate/],
      ['a NUL', 'a\u0000b', /NUL/],
    ])('refuses %s, which PostgreSQL text or jsonb cannot hold', (_what, value, reason) => {
      expect(isStorableText(value)).toBe(false);
      expect(unstorableTextReason(value)).toMatch(reason);
    });
  });

  describe('single-line text (names, tags, emails)', () => {
    it.each([...C0, '\u007f', ...C1].map((c) => [hex(c), c]))('refuses the control character %s', (_name, c) => {
      expect(textReason(`a${c}b`, 'single-line')).toBe('may not contain control characters');
    });

    it('accepts everything else, spaces and non-breaking spaces included', () => {
      expect(textReason('Quarterly report\u00a0v2 ✓ 😀', 'single-line')).toBeUndefined();
    });

    it('refuses an unpaired surrogate', () => {
      expect(textReason('\ud800', 'single-line')).toMatch(/unpaired surrogate/);
    });
  });

  describe('multi-line text (descriptions)', () => {
    it('allows tab, line feed and carriage return', () => {
      expect(textReason('line one\r\n\tline two\n', 'multi-line')).toBeUndefined();
    });

    it.each([...C0, '\u007f', ...C1].filter((c) => !'\t\n\r'.includes(c)).map((c) => [hex(c), c]))(
      'refuses the control character %s',
      (_name, c) => {
        expect(textReason(`a${c}b`, 'multi-line')).toBe(
          'may not contain control characters other than tab and line breaks',
        );
      },
    );

    it('refuses NUL and an unpaired surrogate', () => {
      expect(textReason('a\u0000', 'multi-line')).toBeDefined();
      expect(textReason('a\udfff', 'multi-line')).toMatch(/unpaired surrogate/);
    });
  });

  describe('checkedText', () => {
    it('answers acceptable text as it is', () => {
      expect(checkedText('description', 'two\nlines', 'multi-line')).toBe('two\nlines');
    });

    it('refuses with a validation error naming the field', () => {
      let error: unknown;
      try {
        checkedText('tags', 'a\u0085b', 'single-line', 'invalid-tag');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({
        code: 'invalid-tag',
        message: 'tags may not contain control characters.',
        fieldErrors: [{ field: 'tags', message: 'may not contain control characters' }],
      });
    });

    it('uses invalid-text when no code is given', () => {
      expect(() => checkedText('email', '\ud800@x.io', 'single-line')).toThrow(
        expect.objectContaining({ code: 'invalid-text' }),
      );
    });
  });
});
