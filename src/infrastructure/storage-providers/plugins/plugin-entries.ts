import { EnvReader } from '../../config/env-reader';

/** One item of STORAGE_PLUGINS: an npm package name or a path, `?` at the end marking it optional. */
export interface PluginEntry {
  /** As listed, without the `?`: what messages name. */
  specifier: string;
  /** A failure skips it with a warning (and /health reports it) instead of stopping start-up. */
  optional: boolean;
}

/** `STORAGE_PLUGINS=@acme/flexstorage-sftp,./plugins/webdav?` */
export function readPluginEntries(env: EnvReader): PluginEntry[] {
  return env
    .list('STORAGE_PLUGINS')
    .map((item) =>
      item.endsWith('?')
        ? { specifier: item.slice(0, -1).trim(), optional: true }
        : { specifier: item, optional: false },
    )
    .filter((entry) => entry.specifier !== '');
}

/** A path (relative to the working directory, or absolute) rather than a package name. */
export function isPathSpecifier(specifier: string): boolean {
  return specifier.startsWith('.') || specifier.startsWith('/') || /^[A-Za-z]:[\\/]/.test(specifier);
}
