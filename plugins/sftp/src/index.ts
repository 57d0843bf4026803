export { SftpStore } from './sftp-store';
export type { SftpHealth, SftpReadStream, SftpStoreOptions, SftpWriteOptions, SftpWriteResult } from './sftp-store';
export type { ByteRange } from './range';
export { SftpStoreError, isSftpStoreError } from './errors';
export type { SftpStoreErrorCode } from './errors';
