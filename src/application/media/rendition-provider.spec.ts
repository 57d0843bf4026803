import { ProviderCandidate, StorageCapabilities } from '../../domain/storage';
import { chooseRenditionProvider } from './rendition-provider';

const caps = (instantAccess: boolean): StorageCapabilities => ({
  instantAccess,
  rangeReads: instantAccess,
  retrievalRequired: !instantAccess,
  retrievalTiers: instantAccess ? [] : ['standard'],
  maxObjectSize: null,
  deletion: instantAccess ? 'immediate' : 'minimum-retention',
  minimumStorageDays: instantAccess ? 0 : 180,
});
const candidate = (id: string, instant: boolean, healthy = true): ProviderCandidate => ({
  id,
  capabilities: caps(instant),
  healthy,
});
const candidates = [
  candidate('local-fs', true),
  candidate('database', true),
  candidate('deep', false),
  candidate('s3', true, false),
];

describe('chooseRenditionProvider', () => {
  it("stores renditions on the file's own provider when it reads instantly", () => {
    expect(chooseRenditionProvider('database', { defaultProvider: 'local-fs' }, candidates)).toBe('database');
  });

  it('stores renditions of a file on a non-instant provider on the default provider', () => {
    expect(chooseRenditionProvider('deep', { defaultProvider: 'database' }, candidates)).toBe('database');
  });

  it('prefers THUMBNAIL_PROVIDER over the file’s own provider', () => {
    expect(chooseRenditionProvider('local-fs', { provider: 'database', defaultProvider: 'local-fs' }, candidates)).toBe(
      'database',
    );
  });

  it('passes over a THUMBNAIL_PROVIDER or default that needs a restore before reading', () => {
    expect(chooseRenditionProvider('database', { provider: 'deep', defaultProvider: 'deep' }, candidates)).toBe(
      'database',
    );
    expect(chooseRenditionProvider('deep', { provider: 'deep', defaultProvider: 'deep' }, candidates)).toBe('local-fs');
  });

  it('falls back to a healthy instantly readable provider only, and to none when there is none', () => {
    expect(
      chooseRenditionProvider('deep', { defaultProvider: 'deep' }, [
        candidate('deep', false),
        candidate('s3', true, false),
        candidate('db', true),
      ]),
    ).toBe('db');
    expect(
      chooseRenditionProvider('deep', { defaultProvider: 'deep' }, [
        candidate('deep', false),
        candidate('s3', true, false),
      ]),
    ).toBeNull();
  });
});
