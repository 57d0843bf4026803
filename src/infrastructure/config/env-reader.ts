export type Env = Readonly<Record<string, string | undefined>>;

type NumericArgs = [key: string, fallback: number, min: number, max: number];

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

export function parseByteSize(value: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) return undefined;
  const bytes = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

export interface SizeOptions {
  /** A valid value for the message, e.g. `5GiB or 104857600`. */
  example?: string;
  /** Smaller sizes are refused with the same message. */
  min?: number;
}

/**
 * Typed reads of environment variables. A bad value is recorded as a problem naming the full
 * variable and the read returns its fallback, so start-up can report every mistake at once instead
 * of the first one. A section shares its parent's problem list, so a provider or feature reading its
 * own `STORAGE_S3_*` variables adds to the same report.
 */
export class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly prefix = '',
    private readonly found: string[] = [],
  ) {}

  /** The variables starting with `prefix` inside this section: `section('STORAGE_S3_').string('BUCKET')`. */
  section(prefix: string): EnvReader {
    return new EnvReader(this.env, this.prefix + prefix, this.found);
  }

  /** The full variable name of `key`, for messages about it. */
  name(key: string): string {
    return this.prefix + key;
  }

  /** Every problem recorded so far, by this reader and every section of its root. */
  get problems(): readonly string[] {
    return this.found;
  }

  problem(message: string): void {
    this.found.push(message);
  }

  /** Runs a rule that throws on a bad value (a domain factory, say) and records its message under `key`. */
  check(key: string, rule: () => unknown): void {
    try {
      rule();
    } catch (e) {
      this.problem(`${this.name(key)}: ${(e as Error).message}`);
    }
  }

  /** Trimmed; unset or blank reads as the fallback. */
  string(key: string): string | undefined;
  string(key: string, fallback: string): string;
  string(key: string, fallback?: string): string | undefined {
    const v = this.env[this.name(key)];
    return v === undefined || v.trim() === '' ? fallback : v.trim();
  }

  /** Taken as given, spaces and all (they may belong to a password or key); empty reads as unset. */
  secret(key: string): string | undefined {
    return this.env[this.name(key)] || undefined;
  }

  integer(key: string, fallback: number, min: number, max: number): number {
    return this.numeric('an integer', Number.isInteger, key, fallback, min, max);
  }

  number(key: string, fallback: number, min: number, max: number): number {
    return this.numeric('a number', Number.isFinite, key, fallback, min, max);
  }

  boolean(key: string, fallback: boolean): boolean {
    const raw = this.string(key)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problem(`${this.name(key)} must be true or false, got "${raw}"`);
    return fallback;
  }

  /** An absolute URL with one of `protocols` (`'https:'`), as written; undefined when unset or bad. */
  url(key: string, protocols: readonly string[]): string | undefined {
    const raw = this.string(key);
    if (raw === undefined) return undefined;
    let protocol: string | undefined;
    try {
      protocol = new URL(raw).protocol;
    } catch {
      protocol = undefined;
    }
    if (protocol !== undefined && protocols.includes(protocol)) return raw;
    this.problem(`${this.name(key)} must be a ${protocols.join(' or ')}// URL`);
    return undefined;
  }

  /** Bytes, or a size with a unit (`100MB`, `5GiB`). */
  byteSize(key: string, fallback: number, options?: SizeOptions): number;
  byteSize(key: string, fallback: undefined, options?: SizeOptions): number | undefined;
  byteSize(key: string, fallback: number | undefined, options: SizeOptions = {}): number | undefined {
    const raw = this.string(key);
    if (raw === undefined) return fallback;
    const bytes = parseByteSize(raw);
    if (bytes === undefined || bytes < (options.min ?? 0)) {
      this.problem(`${this.name(key)} must be a size such as ${options.example ?? '64MiB or 1048576'}, got "${raw}"`);
      return fallback;
    }
    return bytes;
  }

  /** Comma-separated, each item trimmed, empty items dropped. */
  list(key: string, fallback: readonly string[] = []): string[] {
    const raw = this.string(key);
    if (raw === undefined) return [...fallback];
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  /** Parsed JSON that `accept` turns into a value or refuses by throwing an Error saying what it must be. */
  json<T>(key: string, fallback: T, accept: (value: unknown) => T): T {
    const raw = this.string(key);
    if (raw === undefined) return fallback;
    try {
      return accept(JSON.parse(raw));
    } catch (e) {
      this.problem(`${this.name(key)} must be JSON: ${(e as Error).message}`);
      return fallback;
    }
  }

  oneOf<T extends string>(key: string, choices: readonly T[], fallback: T): T {
    const raw = this.string(key);
    if (raw === undefined) return fallback;
    if ((choices as readonly string[]).includes(raw)) return raw as T;
    const spelled = choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}` : choices.join('');
    this.problem(`${this.name(key)} must be ${spelled}, got "${raw}"`);
    return fallback;
  }

  private numeric(kind: string, valid: (n: number) => boolean, ...[key, fallback, min, max]: NumericArgs) {
    const raw = this.string(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (valid(n) && n >= min && n <= max) return n;
    this.problem(`${this.name(key)} must be ${kind} from ${min} to ${max}, got "${raw}"`);
    return fallback;
  }
}
