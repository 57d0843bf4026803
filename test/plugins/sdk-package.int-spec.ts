import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'packages', 'provider-sdk', 'dist', 'index.js');

/** Runs a script in a plain Node process from the repository root: no jest, no transforms. */
function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' }).trim();
}

describe('@flexstorage/provider-sdk as a plugin author gets it (built, no transforms)', () => {
  beforeAll(() => {
    if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run npm run build:packages (npm test does)`);
  });

  it('loads with require, and its errors keep their codes', () => {
    const out = node([
      '-e',
      "const sdk = require('@flexstorage/provider-sdk'); const e = sdk.notFound('k');" +
        'console.log(JSON.stringify([sdk.PROVIDER_API_VERSION, e.code, sdk.isProviderError(e), typeof sdk.meter]))',
    ]);
    expect(JSON.parse(out)).toEqual([1, 'ERR_NOT_FOUND', true, 'function']);
  });

  it('loads with import from an ES module, with named exports', () => {
    const out = node([
      '--input-type=module',
      '-e',
      "import { defineStorageProvider, isStorageProviderPlugin, PROVIDER_API_VERSION } from '@flexstorage/provider-sdk';" +
        "const p = defineStorageProvider({ id: 'esm', apiVersion: PROVIDER_API_VERSION, options: {}, create: () => ({}) });" +
        'console.log(isStorageProviderPlugin(p))',
    ]);
    expect(out).toBe('true');
  });

  it('states the contract version it defines in its package.json, readable before any plugin code runs', () => {
    const out = node(['-p', "require('@flexstorage/provider-sdk/package.json').flexstorage.providerApiVersion"]);
    expect(out).toBe('1');
  });
});
