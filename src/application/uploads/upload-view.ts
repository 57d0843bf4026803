import { UploadSession } from '../../domain/uploads';

/** What the tus endpoint reports of an upload. */
export interface UploadView {
  id: string;
  ownerId: string;
  status: string;
  length: number | null;
  offset: number;
  concat: 'none' | 'partial' | 'final';
  partIds: string[];
  clientMetadata: Record<string, string | null>;
  expiresAt: Date;
  fileId: string | null;
  /** Every byte is here but the file is not made yet (a completion was cut short). */
  awaitsCompletion: boolean;
}

export function toUploadView(session: UploadSession): UploadView {
  const concat = session.concat;
  return {
    id: session.id,
    ownerId: session.ownerId,
    status: session.status,
    length: session.length,
    offset: session.offset,
    concat: concat.kind,
    partIds: concat.kind === 'final' ? [...concat.partIds] : [],
    clientMetadata: { ...session.clientMetadata },
    expiresAt: session.expiresAt,
    fileId: session.fileId,
    awaitsCompletion: session.awaitsCompletion,
  };
}
