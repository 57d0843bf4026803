import type { Response } from 'express';
import { UploadOutcome, UploadView } from '../../application/uploads';
import { formatUploadMetadata } from './tus-headers';

export const UPLOADS_PATH = '/api/v1/uploads';

/** HEAD's answer: where the upload stands (its offset only once a final concatenation is complete). */
export function describeUpload(res: Response, upload: UploadView): void {
  res.setHeader('Cache-Control', 'no-store');
  if (upload.concat !== 'final' || upload.status === 'completed') res.setHeader('Upload-Offset', String(upload.offset));
  if (upload.length !== null) res.setHeader('Upload-Length', String(upload.length));
  else res.setHeader('Upload-Defer-Length', '1');
  if (Object.keys(upload.clientMetadata).length)
    res.setHeader('Upload-Metadata', formatUploadMetadata(upload.clientMetadata));
  if (upload.concat === 'partial') res.setHeader('Upload-Concat', 'partial');
  if (upload.concat === 'final')
    res.setHeader('Upload-Concat', `final;${upload.partIds.map((p) => `${UPLOADS_PATH}/${p}`).join(' ')}`);
  describeOutcome(res, { upload });
}

/** Upload-Expires while the upload is active; X-File-Id once it made a file. */
export function describeOutcome(res: Response, outcome: Pick<UploadOutcome, 'upload' | 'file'>): void {
  const upload: UploadView = outcome.upload;
  if (upload.status === 'active') res.setHeader('Upload-Expires', upload.expiresAt.toUTCString());
  const fileId = outcome.file?.file.id ?? upload.fileId;
  if (fileId) res.setHeader('X-File-Id', fileId);
}
