import { File } from '../files';
import { UploadSession } from './upload-session';

/** Port: loads and saves UploadSession aggregates with their pending events. */
export interface UploadSessionRepository {
  findById(id: string): Promise<UploadSession | null>;
  /** Several at once, in the order asked; missing ids are left out. */
  findByIds(ids: readonly string[]): Promise<UploadSession[]>;
  /** Throws ConcurrentModificationError on a stale version. */
  save(session: UploadSession): Promise<void>;
  /**
   * Saves a completed session together with the new file it became, all or none (one commit).
   * Throws what FileRepository.save throws, DuplicateActiveFileError included; then nothing is saved.
   */
  saveWithFile(session: UploadSession, file: File): Promise<void>;
  /** Unexpired active sessions of an owner: how many, and how many bytes they may still bring. */
  activeUsage(ownerId: string): Promise<{ sessions: number; reservedBytes: number }>;
  /** Active sessions whose expiry has passed, oldest first. */
  findExpired(now: Date, limit: number): Promise<UploadSession[]>;
  /** Active sessions holding all their bytes but not yet turned into a file (a completion cut short). */
  findUnfinished(olderThan: Date, limit: number): Promise<UploadSession[]>;
  /** Ids of sessions that ended (completed, aborted, expired) before `endedBefore`, oldest first. */
  findEnded(endedBefore: Date, limit: number): Promise<string[]>;
  deleteByIds(ids: readonly string[]): Promise<void>;
}

export const UPLOAD_SESSION_REPOSITORY = Symbol('UploadSessionRepository');
