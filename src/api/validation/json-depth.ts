const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]); // [ {
const CLOSERS = new Set([0x5d, 0x7d]); // ] }

/**
 * Whether UTF-8 JSON nests arrays and objects deeper than `maxDepth`, read in one pass over the
 * bytes without parsing: brackets inside strings (escaped quotes included) do not count. In UTF-8
 * every byte of a multi-byte character is >= 0x80, so an ASCII bracket or quote is always one.
 * For valid JSON the answer is exact; for invalid JSON it does not matter, the parser refuses it.
 */
export function jsonNestsDeeperThan(bytes: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (OPENERS.has(b)) {
      if (++depth > maxDepth) return true;
    } else if (CLOSERS.has(b)) depth--;
  }
  return false;
}
