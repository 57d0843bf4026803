import { textReason, ValidationError } from '../shared';

const MAX_BYTES = 255;
// The Unicode bidi overrides that disguise extensions ("gpj.exe"); control characters proper are
// refused by the single-line text rule.
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;

function invalid(message: string): ValidationError {
  return new ValidationError(message, {
    code: 'invalid-file-name',
    fieldErrors: [{ field: 'name', message }],
  });
}

/**
 * The name the user gave a file, for display and Content-Disposition only: storage keys are never
 * derived from it. Path-like names are refused, not silently cut, so a client learns that
 * `../../etc/passwd` is not a name.
 */
export class FileName {
  private constructor(readonly value: string) {}

  static readonly UNNAMED = 'unnamed';

  static of(raw: string | undefined | null): FileName {
    if (raw === undefined || raw === null || raw.trim() === '') return new FileName(FileName.UNNAMED);
    const value = raw.normalize('NFC').trim();
    const reason =
      textReason(value, 'single-line') ??
      (BIDI_CONTROLS.test(value) ? 'may not contain control characters' : undefined);
    if (reason !== undefined) throw invalid(`A file name ${reason}.`);
    if (value.includes('/') || value.includes('\\')) throw invalid('A file name may not contain a path separator.');
    if (value === '.' || value === '..') throw invalid('A file name may not be "." or "..".');
    if (new TextEncoder().encode(value).length > MAX_BYTES) {
      throw invalid(`A file name may be at most ${MAX_BYTES} bytes long.`);
    }
    return new FileName(value);
  }
}
