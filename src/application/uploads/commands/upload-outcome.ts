import { UploadFileResult } from '../../files/commands/upload-file.command';
import { UploadView } from '../upload-view';

export interface UploadOutcome {
  upload: UploadView;
  /** The file the upload became, once complete. */
  file?: UploadFileResult;
  /** The request broke off part-way; `upload.offset` shows what was kept. */
  interrupted?: unknown;
}
