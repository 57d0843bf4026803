/**
 * A plugin's options, declared as data so the host can read them from the plugin's own
 * configuration section (`STORAGE_<ID>_<NAME>`) and report every bad one by name before the
 * plugin runs. Option names are camelCase; the variable is their UPPER_SNAKE form
 * (`privateKeyPath` → `STORAGE_SFTP_PRIVATE_KEY_PATH`).
 */
interface BaseSpec {
  description: string;
  /** Must be given (no default). */
  required?: boolean;
}
export interface StringOption extends BaseSpec {
  type: 'string';
  default?: string;
  /** Never printed: problems and listings show that it is set, not its value. */
  secret?: boolean;
  /** The whole value must match (e.g. `^[a-z0-9-]+$`). */
  pattern?: string;
}
export interface IntegerOption extends BaseSpec {
  type: 'integer';
  default?: number;
  min?: number;
  max?: number;
}
export interface BooleanOption extends BaseSpec {
  type: 'boolean';
  default?: boolean;
}
export interface UrlOption extends BaseSpec {
  type: 'url';
  default?: string;
  /** Allowed schemes without the colon, e.g. ['https', 'http']. */
  protocols?: readonly string[];
}
export type OptionSpec = StringOption | IntegerOption | BooleanOption | UrlOption;
export type OptionsSchema = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S extends IntegerOption ? number : S extends BooleanOption ? boolean : string;
type IsSure<S extends OptionSpec> = S extends { required: true } ? true : S extends { default: unknown } ? true : false;

/** The options object `create` receives for a schema: required or defaulted options are always there. */
export type OptionsOf<S extends OptionsSchema> = {
  -readonly [K in keyof S as IsSure<S[K]> extends true ? K : never]: ValueOf<S[K]>;
} & {
  -readonly [K in keyof S as IsSure<S[K]> extends true ? never : K]?: ValueOf<S[K]>;
};

export interface OptionProblem {
  /** The option name, e.g. `port`. */
  option: string;
  message: string;
}

/** `privateKeyPath` → `PRIVATE_KEY_PATH`. */
export function optionVariable(option: string): string {
  return option.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/**
 * Reads every option through `lookup` (the raw text, undefined when unset) and checks it against its
 * spec. Returns the options and every problem at once, so a misconfigured plugin is fixed in one go.
 */
export function readOptions<S extends OptionsSchema>(
  schema: S,
  lookup: (option: string) => string | undefined,
): { options: OptionsOf<S>; problems: OptionProblem[] } {
  const options: Record<string, unknown> = {};
  const problems: OptionProblem[] = [];
  for (const [option, spec] of Object.entries(schema)) {
    const raw = lookup(option);
    if (raw === undefined || raw === '') {
      if (spec.default !== undefined) options[option] = spec.default;
      else if (spec.required) problems.push({ option, message: `is required: ${spec.description}` });
      continue;
    }
    const parsed = parseOption(spec, raw);
    if ('problem' in parsed) problems.push({ option, message: parsed.problem });
    else options[option] = parsed.value;
  }
  return { options: options as OptionsOf<S>, problems };
}

function parseOption(spec: OptionSpec, raw: string): { value: unknown } | { problem: string } {
  switch (spec.type) {
    case 'string':
      if (spec.pattern !== undefined && !new RegExp(`^(?:${spec.pattern})$`, 'u').test(raw)) {
        return { problem: spec.secret ? `does not match ${spec.pattern}` : `"${raw}" does not match ${spec.pattern}` };
      }
      return { value: raw };
    case 'integer': {
      const n = /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
      if (!Number.isSafeInteger(n)) return { problem: `must be a whole number, got "${raw}"` };
      if (spec.min !== undefined && n < spec.min) return { problem: `must be at least ${spec.min}, got ${n}` };
      if (spec.max !== undefined && n > spec.max) return { problem: `must be at most ${spec.max}, got ${n}` };
      return { value: n };
    }
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return { value: true };
      if (['false', '0', 'no', 'off'].includes(v)) return { value: false };
      return { problem: `must be true or false, got "${raw}"` };
    }
    case 'url': {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return { problem: `must be a URL, got "${raw}"` };
      }
      const scheme = url.protocol.slice(0, -1);
      if (spec.protocols && !spec.protocols.includes(scheme)) {
        return { problem: `must be a ${spec.protocols.join(' or ')} URL, got ${scheme}:` };
      }
      return { value: raw };
    }
  }
}
