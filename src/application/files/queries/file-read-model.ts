import { FileView } from '../file-view';

export interface FileListFilter {
  /** Null lists every owner's files (admins only). */
  ownerId: string | null;
  mimeType?: string;
  category?: string;
  tag?: string;
  status?: string;
  createdFrom?: Date;
  createdTo?: Date;
  nameContains?: string;
}

export interface FilePage {
  items: FileView[];
  nextCursor: string | null;
}

/** Port: the query side's view of files, read straight from storage, no aggregates. */
export interface FileReadModel {
  /** Newest first; `cursor` is the opaque `nextCursor` of the previous page. */
  list(filter: FileListFilter, limit: number, cursor?: string): Promise<FilePage>;
}
export const FILE_READ_MODEL = Symbol('FileReadModel');
