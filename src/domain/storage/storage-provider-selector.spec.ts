import { StorageCapabilities } from './storage-provider';
import {
  ProviderCandidate,
  SelectionRequest,
  SelectionRule,
  StorageProviderSelector,
} from './storage-provider-selector';
import { NoStorageProviderAvailableError, UnknownStorageProviderError } from './storage.errors';

const HOT: StorageCapabilities = {
  instantAccess: true,
  rangeReads: true,
  retrievalRequired: false,
  retrievalTiers: [],
  maxObjectSize: null,
  deletion: 'immediate',
  minimumStorageDays: 0,
};
const ARCHIVE: StorageCapabilities = {
  instantAccess: false,
  rangeReads: false,
  retrievalRequired: true,
  retrievalTiers: ['expedited', 'standard', 'bulk'],
  maxObjectSize: null,
  deletion: 'minimum-retention',
  minimumStorageDays: 90,
};

function candidate(id: string, capabilities: Partial<StorageCapabilities> = {}, healthy = true): ProviderCandidate {
  return { id, capabilities: { ...HOT, ...capabilities }, healthy };
}

const local = candidate('local');
const s3 = candidate('s3', { maxObjectSize: 5 * 1024 ** 4 });
const small = candidate('small', { maxObjectSize: 1024 });
const glacier = candidate('glacier', ARCHIVE);
const ALL = [local, s3, small, glacier];

const photo: SelectionRequest = {
  size: 2_000_000,
  mimeType: 'image/jpeg',
  category: 'image',
  requireInstantAccess: true,
};
const down = (c: ProviderCandidate): ProviderCandidate => ({ ...c, healthy: false });

describe('StorageProviderSelector', () => {
  describe('explicit preference', () => {
    it('uses the preferred provider when it is healthy and can take the file', () => {
      const selector = new StorageProviderSelector([{ provider: 's3', categories: ['image'] }], 'local');
      expect(selector.select({ ...photo, preference: 'small' }, ALL)).toBe('s3'); // too big for "small"
      expect(selector.select({ ...photo, size: 10, preference: 'small' }, ALL)).toBe('small');
    });

    it('beats a matching rule and the default', () => {
      const selector = new StorageProviderSelector([{ provider: 's3' }], 'local');
      expect(selector.select({ ...photo, preference: 'glacier', requireInstantAccess: false }, ALL)).toBe('glacier');
    });

    it('is ignored when the preferred provider is unhealthy', () => {
      const selector = new StorageProviderSelector([], 'local');
      expect(selector.select({ ...photo, preference: 's3' }, [local, down(s3)])).toBe('local');
    });

    it('is refused when it names neither a provider nor a configured preference', () => {
      const selector = new StorageProviderSelector([{ provider: 'glacier', preference: 'archive' }], 'local');
      expect(() => selector.select({ ...photo, preference: 'nope' }, ALL)).toThrow(UnknownStorageProviderError);
      expect(selector.select({ ...photo, preference: 'archive' }, ALL)).toBe('glacier'); // a known preference, routed by its rule
    });

    it('is ignored when the preferred provider cannot give instant access and instant access is required', () => {
      const selector = new StorageProviderSelector([], 'local');
      expect(selector.select({ ...photo, preference: 'glacier' }, ALL)).toBe('local');
    });
  });

  describe('rules', () => {
    it('are tried in order; the first that matches and is usable wins', () => {
      const rules: SelectionRule[] = [
        { provider: 'small', categories: ['video'] },
        { provider: 's3', categories: ['image'] },
        { provider: 'glacier', categories: ['image'] },
      ];
      const selector = new StorageProviderSelector(rules, 'local');
      expect(selector.select({ ...photo, requireInstantAccess: false }, ALL)).toBe('s3');
    });

    it('match on size bounds, inclusive at both ends', () => {
      const selector = new StorageProviderSelector([{ provider: 's3', minSize: 1000, maxSize: 2000 }], 'local');
      expect(selector.select({ ...photo, size: 999 }, ALL)).toBe('local');
      expect(selector.select({ ...photo, size: 1000 }, ALL)).toBe('s3');
      expect(selector.select({ ...photo, size: 2000 }, ALL)).toBe('s3');
      expect(selector.select({ ...photo, size: 2001 }, ALL)).toBe('local');
    });

    it('with a size bound do not match a file of unknown size', () => {
      const selector = new StorageProviderSelector(
        [
          { provider: 's3', minSize: 0 },
          { provider: 'small', maxSize: 10 ** 12 },
        ],
        'local',
      );
      expect(selector.select({ ...photo, size: undefined }, ALL)).toBe('local');
    });

    it('match exact MIME types and wildcards such as image/*', () => {
      const selector = new StorageProviderSelector(
        [
          { provider: 'small', mimeTypes: ['application/pdf', 'text/*'] },
          { provider: 's3', mimeTypes: ['IMAGE/*'] },
        ],
        'local',
      );
      expect(selector.select({ ...photo, size: 10, mimeType: 'application/pdf', category: 'document' }, ALL)).toBe(
        'small',
      );
      expect(selector.select({ ...photo, size: 10, mimeType: 'text/csv', category: 'document' }, ALL)).toBe('small');
      expect(selector.select({ ...photo, mimeType: 'image/heic' }, ALL)).toBe('s3');
      expect(selector.select({ ...photo, mimeType: 'video/mp4', category: 'video' }, ALL)).toBe('local');
    });

    it('do not let a wildcard match a type that merely starts with the same letters', () => {
      const selector = new StorageProviderSelector([{ provider: 's3', mimeTypes: ['image/*'] }], 'local');
      expect(selector.select({ ...photo, mimeType: 'imagex/foo', category: 'other' }, ALL)).toBe('local');
    });

    it('match on category', () => {
      const selector = new StorageProviderSelector([{ provider: 's3', categories: ['video', 'audio'] }], 'local');
      expect(selector.select({ ...photo, mimeType: 'audio/mpeg', category: 'audio' }, ALL)).toBe('s3');
      expect(selector.select(photo, ALL)).toBe('local');
    });

    it('with a preference apply only when the user asked for that preference', () => {
      const selector = new StorageProviderSelector([{ provider: 'glacier', preference: 'archive' }], 'local');
      expect(selector.select({ ...photo, requireInstantAccess: false }, ALL)).toBe('local');
      expect(selector.select({ ...photo, requireInstantAccess: false, preference: 'archive' }, ALL)).toBe('glacier');
    });

    it('require every condition they give', () => {
      const selector = new StorageProviderSelector(
        [{ provider: 's3', categories: ['image'], mimeTypes: ['image/png'], maxSize: 100 }],
        'local',
      );
      expect(selector.select({ ...photo, mimeType: 'image/png', size: 50 }, ALL)).toBe('s3');
      expect(selector.select({ ...photo, mimeType: 'image/png', size: 500 }, ALL)).toBe('local');
      expect(selector.select({ ...photo, mimeType: 'image/jpeg', size: 50 }, ALL)).toBe('local');
    });

    it('skip an unhealthy provider and go on to the next matching rule', () => {
      const selector = new StorageProviderSelector(
        [{ provider: 's3', categories: ['image'] }, { provider: 'small' }],
        'local',
      );
      expect(selector.select({ ...photo, size: 10 }, [local, down(s3), small])).toBe('small');
    });

    it('skip an unhealthy provider and fall to the default when no other rule matches', () => {
      const selector = new StorageProviderSelector([{ provider: 's3', categories: ['image'] }], 'local');
      expect(selector.select(photo, [local, down(s3)])).toBe('local');
    });

    it('skip a provider whose maxObjectSize the file exceeds', () => {
      const selector = new StorageProviderSelector([{ provider: 'small' }], 'local');
      expect(selector.select({ ...photo, size: 1024 }, ALL)).toBe('small');
      expect(selector.select({ ...photo, size: 1025 }, ALL)).toBe('local');
    });

    it("send files to an archive provider when the operator's rule says so, even if the upload wants instant access", () => {
      const selector = new StorageProviderSelector(
        [{ provider: 'glacier', categories: ['video'], minSize: 1_000_000_000 }],
        'local',
      );
      expect(selector.select({ ...photo, category: 'video', mimeType: 'video/mp4', size: 2_000_000_000 }, ALL)).toBe(
        'glacier',
      );
      expect(selector.select({ ...photo, category: 'video', mimeType: 'video/mp4', size: 5_000 }, ALL)).toBe('local');
    });

    it('fall back from an unhealthy archive provider to a healthy one that can take the file', () => {
      const selector = new StorageProviderSelector([{ provider: 'glacier', categories: ['image'] }], 'local');
      expect(selector.select(photo, [down(local), down(glacier), s3])).toBe('s3');
      expect(selector.select(photo, [local, down(glacier), s3])).toBe('local');
    });

    it('still keep archive providers out of the default and the fallback when instant access is required', () => {
      const selector = new StorageProviderSelector([], 'glacier');
      expect(selector.select(photo, ALL)).toBe('local');
      expect(selector.select({ ...photo, requireInstantAccess: false }, ALL)).toBe('glacier');
    });
  });

  describe('fallback', () => {
    it('uses the default when no rule matches', () => {
      expect(new StorageProviderSelector([], 's3').select(photo, ALL)).toBe('s3');
    });

    it('uses any healthy provider that can take the file when the default cannot, instant-access ones first', () => {
      const selector = new StorageProviderSelector([], 'local');
      expect(selector.select({ ...photo, requireInstantAccess: false }, [down(local), glacier, s3])).toBe('s3');
    });

    it('settles for an archive-like provider when nothing else is up and instant access is not required', () => {
      const selector = new StorageProviderSelector([], 'local');
      expect(selector.select({ ...photo, requireInstantAccess: false }, [down(local), down(s3), glacier])).toBe(
        'glacier',
      );
    });

    it('passes over healthy providers that are too small for the file', () => {
      const selector = new StorageProviderSelector([], 'local');
      expect(selector.select({ ...photo, size: 4096 }, [down(local), small, s3])).toBe('s3');
    });

    it('lets a provider with a size limit take a file of unknown size', () => {
      const selector = new StorageProviderSelector([], 'local');
      expect(selector.select({ ...photo, size: undefined }, [down(local), small])).toBe('small');
    });

    it('throws NoStorageProviderAvailableError when every provider is unhealthy', () => {
      const selector = new StorageProviderSelector([{ provider: 's3' }], 'local');
      let error: unknown;
      try {
        selector.select({ ...photo, preference: 'glacier' }, ALL.map(down));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NoStorageProviderAvailableError);
      expect((error as NoStorageProviderAvailableError).kind).toBe('unavailable');
      expect((error as NoStorageProviderAvailableError).code).toBe('no-storage-provider');
      expect((error as Error).message).toMatch(/every provider is unhealthy/);
    });

    it('throws NoStorageProviderAvailableError when the healthy providers cannot take the file', () => {
      const selector = new StorageProviderSelector([], 'local');
      expect(() => selector.select({ ...photo, size: 4096 }, [down(local), small, glacier])).toThrow(
        /no healthy provider accepts a file of this size and kind/,
      );
    });

    it('throws NoStorageProviderAvailableError when there are no providers at all', () => {
      expect(() => new StorageProviderSelector([], 'local').select(photo, [])).toThrow(NoStorageProviderAvailableError);
    });
  });
});
