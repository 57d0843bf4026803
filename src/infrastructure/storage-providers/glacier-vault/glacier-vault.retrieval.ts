import {
  DescribeJobCommand,
  GetJobOutputCommand,
  GlacierClient,
  GlacierServiceException,
  InitiateJobCommand,
} from '@aws-sdk/client-glacier';
import {
  ArchiveRetrieval,
  ByteBody,
  ByteRange,
  RestoreNotReadyError,
  RestoreState,
  RetrievalTier,
  StartedRestore,
  StoredObjectNotFoundError,
} from '../../../domain/storage';
import { EMPTY, exactly } from './glacier-vault.bodies';

/** Job output stays downloadable for 24 hours after the job completes; it cannot be chosen. */
const OUTPUT_HOURS = 24;
const TIERS: Record<RetrievalTier, string> = { expedited: 'Expedited', standard: 'Standard', bulk: 'Bulk' };

/** A vault's archives are read only through retrieval jobs: start one, follow it, read its output. */
export class GlacierVaultRetrieval implements ArchiveRetrieval {
  constructor(
    private readonly id: string,
    private readonly client: GlacierClient,
    private readonly vault: { accountId: string; vaultName: string },
    private readonly assertKey: (key: string) => void,
  ) {}

  /** `days` does not apply: a vault keeps a job's output for 24 hours, whatever is asked. */
  async startRestore(key: string, tier: RetrievalTier): Promise<StartedRestore> {
    this.assertKey(key);
    if (key === EMPTY) return { handle: EMPTY, status: { state: 'ready' } };
    try {
      const res = await this.client.send(
        new InitiateJobCommand({
          ...this.vault,
          jobParameters: { Type: 'archive-retrieval', ArchiveId: key, Tier: TIERS[tier] },
        }),
      );
      return { handle: res.jobId!, status: { state: 'in-progress' } };
    } catch (error) {
      if (isNotFound(error)) throw new StoredObjectNotFoundError(this.id, key);
      throw error;
    }
  }

  async restoreStatus(key: string, jobId: string): Promise<RestoreState> {
    this.assertKey(key);
    if (key === EMPTY) return { state: 'ready' };
    try {
      const job = await this.client.send(new DescribeJobCommand({ ...this.vault, jobId }));
      // A handle of another archive's job would otherwise pass that archive's bytes off as this one's.
      if (job.ArchiveId !== undefined && job.ArchiveId !== key) return { state: 'none' };
      if (job.StatusCode === 'Failed')
        return { state: 'failed', reason: job.StatusMessage ?? 'the retrieval job failed' };
      if (job.StatusCode !== 'Succeeded') return { state: 'in-progress' };
      const completed = job.CompletionDate ? Date.parse(job.CompletionDate) : NaN;
      return {
        state: 'ready',
        expiresAt: Number.isNaN(completed) ? undefined : new Date(completed + OUTPUT_HOURS * 3600_000),
      };
    } catch (error) {
      if (isNotFound(error)) return { state: 'none' }; // Glacier forgets a job once its output expires
      throw error;
    }
  }

  async readRestored(key: string, jobId: string, range?: ByteRange): Promise<ByteBody> {
    this.assertKey(key);
    if (key === EMPTY) return (async function* () {})();
    try {
      const res = await this.client.send(
        new GetJobOutputCommand({
          ...this.vault,
          jobId,
          range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      const servedFrom = Number(/^bytes (\d+)-/.exec(res.contentRange ?? '')?.[1] ?? 0);
      const stream = res.body as AsyncIterable<Uint8Array> & { destroy?(): void };
      const skip = range ? range.start - servedFrom : 0;
      return exactly(
        stream,
        skip,
        range ? range.end - range.start + 1 : Infinity,
        skip === 0 ? res.checksum : undefined,
      );
    } catch (error) {
      if (isNotFound(error) || isNotYetAvailable(error)) throw new RestoreNotReadyError(this.id, key);
      throw error;
    }
  }
}

export function isNotFound(error: unknown): boolean {
  const e = error as GlacierServiceException;
  return e?.name === 'ResourceNotFoundException' || e?.$metadata?.httpStatusCode === 404;
}

/** Glacier answers 400 InvalidParameterValueException for the output of a job still running. */
function isNotYetAvailable(error: unknown): boolean {
  const e = error as GlacierServiceException;
  return e?.name === 'InvalidParameterValueException' && /not currently available/i.test(e.message);
}
