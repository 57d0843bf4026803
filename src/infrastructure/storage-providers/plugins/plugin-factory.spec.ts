import { defineStorageProvider, StorageProvider } from '@flexstorage/provider-sdk';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvReader } from '../../config/env-reader';
import { pluginEnvPrefix, pluginProviderFactory } from './plugin-factory';

const CAPABILITIES = {
  instantAccess: true,
  rangeReads: true,
  retrievalRequired: false,
  retrievalTiers: [],
  maxObjectSize: null,
  deletion: 'immediate',
  minimumStorageDays: 0,
} as const;

function fakeProvider(id: string, health = { healthy: true }): StorageProvider {
  const never = () => Promise.reject(new Error('not used'));
  return {
    id,
    capabilities: CAPABILITIES,
    write: never,
    read: never,
    head: never,
    delete: never,
    health: async () => health,
  };
}

const plugin = (create = (o: { host: string; port: number }, id: string) => fakeProvider(id)) =>
  defineStorageProvider({
    id: 'my-store',
    apiVersion: 1,
    options: {
      host: { type: 'string', required: true, description: 'the host' },
      port: { type: 'integer', default: 22, min: 1, max: 65535, description: 'the port' },
    },
    create: (options, context) => create(options, context.providerId),
  });

describe('pluginProviderFactory: a plugin as a StorageProviderFactory', () => {
  let dataDir: string;
  beforeEach(async () => (dataDir = await mkdtemp(join(tmpdir(), 'plugin-factory-'))));
  afterEach(() => rm(dataDir, { recursive: true, force: true }));
  const context = () => ({ dataDir, databaseUrl: 'postgres://unused.invalid/x' });

  it('reads its options from STORAGE_<ID>_*, dashes as underscores', () => {
    const factory = pluginProviderFactory(plugin(), './my-store');
    expect(factory.envPrefix).toBe('STORAGE_MY_STORE_');
    expect(pluginEnvPrefix('sftp')).toBe('STORAGE_SFTP_');
    const reader = new EnvReader({ STORAGE_MY_STORE_HOST: ' files.example ', STORAGE_MY_STORE_PORT: '2222' });
    const settings = factory.readSettings(reader.section(factory.envPrefix), { enabled: true });
    expect(settings).toEqual({ options: { host: 'files.example', port: 2222 }, problems: [] });
    expect(reader.problems).toEqual([]);
  });

  it('keeps option problems, by full variable, off the shared report so an optional plugin can be skipped', () => {
    const factory = pluginProviderFactory(plugin(), './my-store');
    const reader = new EnvReader({ STORAGE_MY_STORE_PORT: 'x' });
    const settings = factory.readSettings(reader.section(factory.envPrefix), { enabled: true });
    expect(settings.problems).toEqual([
      'STORAGE_MY_STORE_HOST is required: the host',
      'STORAGE_MY_STORE_PORT must be a whole number, got "x"',
    ]);
    expect(reader.problems).toEqual([]);
  });

  it('creates the provider with its options, the id and a data directory of its own', async () => {
    const create = jest.fn((_o: { host: string; port: number }, id: string) => fakeProvider(id));
    const factory = pluginProviderFactory(plugin(create), './my-store');
    const provider = await factory.create({ options: { host: 'h', port: 22 }, problems: [] }, context());
    expect(provider.id).toBe('my-store');
    expect(create).toHaveBeenCalledWith({ host: 'h', port: 22 }, 'my-store');
  });

  it('refuses to create with option problems, listing them all', async () => {
    const factory = pluginProviderFactory(plugin(), './my-store');
    await expect(factory.create({ options: {}, problems: ['A is bad', 'B is bad'] }, context())).rejects.toMatchObject({
      code: 'STORAGE_PLUGIN_OPTIONS_INVALID',
      message: 'Storage plugin "./my-store" (STORAGE_PLUGIN_OPTIONS_INVALID): A is bad; B is bad',
    });
  });

  it('refuses a provider under another id than the plugin declared', async () => {
    const factory = pluginProviderFactory(
      plugin(() => fakeProvider('other')),
      './my-store',
    );
    await expect(factory.create({ options: { host: 'h' }, problems: [] }, context())).rejects.toMatchObject({
      code: 'STORAGE_PLUGIN_INVALID',
      reason: 'create() returned a provider with id "other", not the plugin\'s id "my-store"',
    });
  });

  it('refuses a provider whose first health check does not answer in time', async () => {
    const hanging = { ...fakeProvider('my-store'), health: () => new Promise<never>(() => undefined) };
    const factory = pluginProviderFactory(
      plugin(() => hanging),
      './my-store',
      50,
    );
    await expect(factory.create({ options: { host: 'h' }, problems: [] }, context())).rejects.toMatchObject({
      code: 'STORAGE_PLUGIN_UNHEALTHY',
      reason: expect.stringContaining('no answer within 50 ms') as string,
    });
  });

  it('reports create() throwing as a failure to load, with its message', async () => {
    const factory = pluginProviderFactory(
      plugin(() => {
        throw new Error('ECONNREFUSED');
      }),
      './my-store',
    );
    await expect(factory.create({ options: { host: 'h' }, problems: [] }, context())).rejects.toMatchObject({
      code: 'STORAGE_PLUGIN_LOAD_FAILED',
      reason: 'create() threw: ECONNREFUSED',
    });
  });
});
