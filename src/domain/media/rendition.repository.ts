import { Rendition, RenditionKind } from './rendition';

/** Port: the renditions of files (rows go with their file when it is purged). */
export interface RenditionRepository {
  find(fileId: string, kind: RenditionKind): Promise<Rendition | null>;
  findAll(fileId: string): Promise<Rendition[]>;
  /**
   * Stores these renditions, replacing any of the same file and kind, in one statement. Throws when
   * the file no longer exists (purged meanwhile).
   */
  replace(renditions: readonly Rendition[]): Promise<void>;
}

export const RENDITION_REPOSITORY = Symbol('RenditionRepository');
