import fc from 'fast-check';
import { jsonNestsDeeperThan } from './json-depth';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const arrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

describe('jsonNestsDeeperThan', () => {
  it('measures arrays and objects alike', () => {
    expect(jsonNestsDeeperThan(bytes(arrays(64)), 64)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(arrays(65)), 64)).toBe(true);
    expect(jsonNestsDeeperThan(bytes('{"a":{"b":[1]}}'), 3)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('{"a":{"b":[1]}}'), 2)).toBe(true);
  });

  it('counts depth, not the number of containers', () => {
    const wide = `[${Array.from({ length: 10_000 }, () => '{"a":[]}').join(',')}]`;
    expect(jsonNestsDeeperThan(bytes(wide), 3)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes and backslashes included', () => {
    expect(jsonNestsDeeperThan(bytes(JSON.stringify({ a: '[[[[{{{{' })), 1)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(JSON.stringify({ a: 'say "[[[[" twice' })), 1)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(JSON.stringify({ a: 'ends in \\', b: '[[[' })), 1)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(JSON.stringify(['\\"', [[[]]]])), 3)).toBe(true);
  });

  it('is not fooled by multi-byte characters', () => {
    expect(jsonNestsDeeperThan(bytes(JSON.stringify({ 写真: ['😀', 'Ǜ['] })), 2)).toBe(false);
  });

  it('reads 60,000 levels without recursion', () => {
    expect(jsonNestsDeeperThan(bytes(arrays(60_000)), 64)).toBe(true);
    expect(jsonNestsDeeperThan(bytes('{"a":'.repeat(60_000) + '1' + '}'.repeat(60_000)), 64)).toBe(true);
  });

  it('answers false for scalars and empty bodies', () => {
    expect(jsonNestsDeeperThan(bytes(''), 0)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('"x"'), 0)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('[]'), 0)).toBe(true);
  });

  it('agrees with the depth of what JSON.parse reads, for any JSON value', () => {
    const depthOf = (v: unknown): number =>
      v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 9 }), (value, max) => {
        const text = JSON.stringify(value);
        expect(jsonNestsDeeperThan(bytes(text), max)).toBe(depthOf(JSON.parse(text)) > max);
      }),
      { numRuns: 2000 },
    );
  });
});
