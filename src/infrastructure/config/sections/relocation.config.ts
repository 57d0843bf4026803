import { EnvReader } from '../env-reader';

export interface RelocationConfig {
  /** A moved file's old copy is deleted this long after the move (downloads begun before it finish). */
  oldCopyGraceMs: number;
}

export function readRelocationConfig(env: EnvReader): RelocationConfig {
  return { oldCopyGraceMs: env.integer('RELOCATION_OLD_COPY_GRACE_S', 3600, 0, 30 * 86_400) * 1000 };
}
