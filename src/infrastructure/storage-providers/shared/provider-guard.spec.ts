import {
  OPTIONAL_PROVIDER_MEMBERS,
  OPTIONAL_RETRIEVAL_MEMBERS,
  ProviderError,
  ProviderErrorCode,
  StorageProvider,
  checksumMismatch,
  notFound,
  tooLarge,
  unavailable,
} from '@flexstorage/provider-sdk';
import { InMemoryStorageProviderRegistry } from '../storage-provider.registry';
import { guardProviderErrors } from './provider-guard';

const capabilities: StorageProvider['capabilities'] = {
  instantAccess: true,
  rangeReads: true,
  retrievalRequired: false,
  retrievalTiers: [],
  maxObjectSize: null,
  deletion: 'immediate',
  minimumStorageDays: 0,
};

/** A provider whose every member records that it was called, with every optional member present or none. */
function fakeProvider(withOptional: boolean, fail?: Error): { provider: StorageProvider; calls: string[] } {
  const calls: string[] = [];
  const call = (name: string) => async (): Promise<never> => {
    calls.push(name);
    await Promise.resolve();
    if (fail !== undefined) throw fail;
    return undefined as never;
  };
  const provider: StorageProvider = {
    id: 'fake',
    capabilities,
    write: call('write'),
    read: call('read'),
    head: call('head'),
    delete: call('delete'),
    health: () => Promise.resolve({ healthy: true }),
  };
  if (withOptional) {
    const optional = provider as unknown as Record<string, unknown>;
    for (const [member, kind] of Object.entries(OPTIONAL_PROVIDER_MEMBERS)) {
      if (kind === 'method') optional[member] = call(member);
    }
    optional.retrieval = {
      startRestore: call('retrieval.startRestore'),
      restoreStatus: call('retrieval.restoreStatus'),
      readRestored: call('retrieval.readRestored'),
      ...Object.fromEntries(Object.keys(OPTIONAL_RETRIEVAL_MEMBERS).map((m) => [m, call(`retrieval.${m}`)])),
    };
  }
  return { provider, calls };
}

const wrappers: Record<string, (p: StorageProvider) => StorageProvider> = {
  guardProviderErrors,
  'the registry (every wrapper it applies)': (p) => new InMemoryStorageProviderRegistry([p]).get(p.id),
};

describe.each(Object.entries(wrappers))('%s', (_name, wrap) => {
  it('forwards every optional member of the contract the provider has', async () => {
    const { provider, calls } = fakeProvider(true);
    const wrapped = wrap(provider) as unknown as Record<string, unknown>;
    for (const [member, kind] of Object.entries(OPTIONAL_PROVIDER_MEMBERS)) {
      expect([member, typeof wrapped[member]]).toEqual([member, kind === 'method' ? 'function' : 'object']);
    }
    const retrieval = wrapped.retrieval as Record<string, () => Promise<unknown>>;
    for (const member of Object.keys(OPTIONAL_RETRIEVAL_MEMBERS)) {
      expect([member, typeof retrieval[member]]).toEqual([member, 'function']);
      await retrieval[member]();
    }
    await (wrapped.importLocalFile as () => Promise<unknown>)();
    await (wrapped.close as () => Promise<unknown>)();
    expect(calls).toEqual(expect.arrayContaining(['importLocalFile', 'close', 'retrieval.upgradeRestore']));
  });

  it('invents none the provider lacks', () => {
    const wrapped = wrap(fakeProvider(false).provider) as unknown as Record<string, unknown>;
    for (const member of Object.keys(OPTIONAL_PROVIDER_MEMBERS))
      expect([member, wrapped[member]]).toEqual([member, undefined]);
  });
});

describe('guardProviderErrors', () => {
  const failing = (error: Error) => guardProviderErrors(fakeProvider(false, error).provider);

  it.each([
    [notFound('k1'), 'not-found', 'stored-object-missing'],
    [
      new ProviderError(ProviderErrorCode.RestoreNotReady, 'archived', { details: { key: 'k1' } }),
      'conflict',
      'restore-not-ready',
    ],
    [checksumMismatch('aa', 'bb'), 'validation', 'checksum-mismatch'],
    [tooLarge(10), 'too-large', 'file-too-large'],
    [unavailable('maintenance'), 'unavailable', 'storage-unavailable'],
  ])('turns the contract error %p into the domain error the API knows', async (error, kind, code) => {
    await expect(failing(error).read('k1')).rejects.toMatchObject({ kind, code });
  });

  it('matches by code, so a look-alike from another copy of the SDK is mapped too', async () => {
    const lookAlike = Object.assign(new Error('nope'), { code: 'ERR_NOT_FOUND' });
    await expect(failing(lookAlike).head('k2')).rejects.toMatchObject({ kind: 'not-found', key: 'k2' });
  });

  it('turns network trouble into 503 and leaves other errors as they were', async () => {
    await expect(failing(Object.assign(new Error('reset'), { code: 'ECONNRESET' })).delete('k')).rejects.toMatchObject({
      code: 'storage-unavailable',
    });
    const bug = new TypeError('a bug');
    await expect(failing(bug).write((async function* () {})(), { maxBytes: 1, contentType: 'x' })).rejects.toBe(bug);
  });
});
