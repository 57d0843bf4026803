import type { NextFunction, Request, Response } from 'express';
import { unstorableTextReason } from '../../domain/shared';
import { ProblemException } from '../problem/problem-exception';

/**
 * The edge check of the text rule (src/domain/shared/text.ts): no string a client sends may hold
 * a NUL or an unpaired surrogate, wherever it is. Stricter rules per field (no control characters
 * in a name) are the value objects'; this one only keeps out what no column could store, before a
 * guard, pipe or handler sees it (class-validator's IsEmail throws on a lone surrogate).
 */
export function unstorableText(field: string, reason: string): ProblemException {
  return new ProblemException(400, 'invalid-text', 'Bad Request', `${field} ${reason}.`, {
    errors: [{ field, message: reason }],
  });
}

/** Throws the 400 when `value` cannot be stored as text. */
export function assertStorableText(field: string, value: string): void {
  const reason = unstorableTextReason(value);
  if (reason !== undefined) throw unstorableText(field, reason);
}

/** The first string in `value` that breaks the rule, keys included, at any depth, with its path (`events.1`). */
export function findUnstorableText(value: unknown, path: string): { field: string; reason: string } | undefined {
  if (typeof value === 'string') {
    const reason = unstorableTextReason(value);
    return reason === undefined ? undefined : { field: path, reason };
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    const keyReason = unstorableTextReason(key);
    if (keyReason !== undefined) return { field, reason: `is a name that ${keyReason}` };
    const found = findUnstorableText(child, field);
    if (found) return found;
  }
  return undefined;
}

/**
 * Refuses a request whose path segments, query or parsed body hold unstorable text. Mounted after
 * the body parsers (JSON depth is bounded there, so the walk is too); multipart fields and tus
 * metadata are read later, as they stream, and are checked where they are read.
 */
export function refuseUnstorableRequestText(req: Request, _res: Response, next: NextFunction): void {
  const found = findInPath(req.path) ?? findUnstorableText(req.query, '') ?? findUnstorableText(req.body, '');
  next(found ? unstorableText(found.field || 'body', found.reason) : undefined);
}

function findInPath(path: string): { field: string; reason: string } | undefined {
  if (!path.includes('%')) return undefined;
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      continue; // not percent-encoded UTF-8: the router answers that with its own 400
    }
    const reason = unstorableTextReason(decoded);
    if (reason !== undefined) return { field: 'path', reason: `has a segment that ${reason}` };
  }
  return undefined;
}
