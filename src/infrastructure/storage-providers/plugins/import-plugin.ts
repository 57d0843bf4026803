import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isPathSpecifier, PluginEntry } from './plugin-entries';
import { firstLine, StoragePluginError, StoragePluginErrorCode } from './storage-plugin-error';

export interface ImportedPlugin {
  /** What the module exports as its plugin (`default`, `plugin`, or the module itself), not yet checked. */
  exported: unknown;
  /** From the nearest package.json above the resolved file, when there is one. */
  packageName?: string;
  version?: string;
}

/**
 * A real dynamic import. The server is compiled to CommonJS, where TypeScript rewrites `import()` into
 * `require()` (nestjs/nest#10047); a function built at run time keeps Node's own `import()`, which
 * is what an ES module with top-level await needs.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const dynamicImport = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<unknown>;

/**
 * Resolves an entry from the working directory and loads it. Resolving first tells "not installed"
 * (nothing to resolve) from "failed to load" (it resolved, but its own code or a dependency of it
 * failed), whatever the failing module's name.
 */
export async function importPlugin(entry: PluginEntry, cwd: string = process.cwd()): Promise<ImportedPlugin> {
  const req = createRequire(join(cwd, 'noop.js'));
  const { specifier } = entry;
  let file: string;
  try {
    file = req.resolve(specifier);
  } catch (e) {
    throw new StoragePluginError(StoragePluginErrorCode.NotFound, specifier, notFoundReason(specifier, cwd, e), {
      cause: e,
    });
  }
  const loaded = await loadModule(req, file, specifier);
  return { exported: pluginExport(loaded), ...packageOf(file) };
}

function notFoundReason(specifier: string, cwd: string, error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code !== undefined && code !== 'MODULE_NOT_FOUND') return `it cannot be resolved: ${firstLine(error)}`;
  return isPathSpecifier(specifier)
    ? `nothing to load at ${join(cwd, specifier)} (a path is relative to the working directory, ${cwd})`
    : `it is not installed; run npm install ${specifier}`;
}

async function loadModule(req: NodeJS.Require, file: string, specifier: string): Promise<unknown> {
  try {
    return req(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    // An ES module with top-level await (or any, on a Node without require(esm)) needs import().
    if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw loadFailed(specifier, e);
  }
  try {
    return await dynamicImport(pathToFileURL(file).href);
  } catch (e) {
    throw loadFailed(specifier, e);
  }
}

function loadFailed(specifier: string, error: unknown): StoragePluginError {
  const code = (error as { code?: string }).code;
  const missing = code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
  const reason = missing
    ? `a module it needs is missing (${firstLine(error)}); reinstall the plugin or install its dependencies`
    : `it threw while loading: ${firstLine(error)}`;
  return new StoragePluginError(StoragePluginErrorCode.LoadFailed, specifier, reason, { cause: error });
}

function pluginExport(module: unknown): unknown {
  const m = module as { default?: unknown; plugin?: unknown } | null;
  if (m && typeof m === 'object') {
    // `export default` compiled to CommonJS (or an ES namespace) nests the default once more.
    const inner = m.default as { default?: unknown } | undefined;
    if (inner && typeof inner === 'object' && 'default' in inner && !('id' in inner)) return inner.default;
    return m.default ?? m.plugin ?? m;
  }
  return m;
}

function packageOf(file: string): { packageName?: string; version?: string } {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; version?: unknown };
        return {
          ...(typeof name === 'string' ? { packageName: name } : {}),
          ...(typeof version === 'string' ? { version } : {}),
        };
      } catch {
        return {};
      }
    }
    if (dirname(dir) === dir) return {};
  }
}
