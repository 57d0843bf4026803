import { findUnstorableText } from './request-text';

describe('findUnstorableText', () => {
  it('finds nothing in storable values of any shape', () => {
    expect(findUnstorableText({ a: 'x\ty\n', b: [1, true, null, { c: 'Café 😀' }] }, '')).toBeUndefined();
    expect(findUnstorableText(undefined, '')).toBeUndefined();
  });

  it('names a bad value by its path, array indexes included', () => {
    expect(findUnstorableText({ events: ['ok', 'a\u0000'] }, '')).toEqual({
      field: 'events.1',
      reason: 'may not contain a NUL character',
    });
    expect(findUnstorableText({ a: { b: [{ c: '\ud800' }] } }, '')?.field).toBe('a.b.0.c');
  });

  it('checks keys too, __proto__ included', () => {
    expect(findUnstorableText({ 'a\u0000': 1 }, '')?.reason).toMatch(/^is a name that/);
    expect(findUnstorableText(JSON.parse('{"__proto__": {"x": "\\u0000"}}'), '')?.field).toBe('__proto__.x');
  });

  it('prefixes the path it is given', () => {
    expect(findUnstorableText('\u0000', 'tag')?.field).toBe('tag');
  });
});
