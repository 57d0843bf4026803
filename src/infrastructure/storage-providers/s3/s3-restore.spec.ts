import { HeadObjectCommand, RestoreObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { DomainError } from '../../../domain/shared';
import { StoredObjectNotFoundError } from '../../../domain/storage';
import { parseRestoreHeader, S3ArchiveRetrieval } from './s3-restore';

function s3Error(name: string, httpStatusCode: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message: name });
}

describe('parseRestoreHeader (x-amz-restore)', () => {
  it('reads a running restore', () => {
    expect(parseRestoreHeader('ongoing-request="true"')).toEqual({ state: 'in-progress' });
  });

  it('reads a restored copy and when it expires', () => {
    expect(parseRestoreHeader('ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"')).toEqual({
      state: 'ready',
      expiresAt: new Date(Date.UTC(2012, 11, 21)),
    });
  });

  it('takes a restored copy without a readable expiry as ready with the expiry unknown', () => {
    expect(parseRestoreHeader('ongoing-request="false"')).toEqual({ state: 'ready' });
    expect(parseRestoreHeader('ongoing-request="false", expiry-date="soon"')).toEqual({ state: 'ready' });
  });

  it('reads no header (never restored, or the copy expired) as no restore', () => {
    expect(parseRestoreHeader(undefined)).toEqual({ state: 'none' });
    expect(parseRestoreHeader('')).toEqual({ state: 'none' });
  });
});

describe('S3ArchiveRetrieval', () => {
  const key = 'deep/ab/abcdef';
  let client: S3Client;
  let send: jest.SpyInstance;
  let retrieval: S3ArchiveRetrieval;
  beforeEach(() => {
    client = new S3Client({ region: 'us-east-1' });
    send = jest.spyOn(client, 'send');
    retrieval = new S3ArchiveRetrieval({ providerId: 's3-deep-archive', client, bucket: 'b', read: jest.fn() });
  });
  afterEach(() => client.destroy());

  it('asks for the tier and the days, and takes 202 as a restore started', async () => {
    send.mockResolvedValueOnce({ $metadata: { httpStatusCode: 202 } });
    expect(await retrieval.startRestore(key, 'bulk', 4)).toEqual({ handle: key, status: { state: 'in-progress' } });
    const command = send.mock.calls[0][0] as RestoreObjectCommand;
    expect(command).toBeInstanceOf(RestoreObjectCommand);
    expect(command.input).toEqual({
      Bucket: 'b',
      Key: key,
      RestoreRequest: { Days: 4, GlacierJobParameters: { Tier: 'Bulk' } },
    });
  });

  it('shares a restore already running (409) instead of failing', async () => {
    send.mockRejectedValueOnce(s3Error('RestoreAlreadyInProgress', 409));
    expect(await retrieval.startRestore(key, 'standard', 1)).toEqual({ handle: key, status: { state: 'in-progress' } });
  });

  it('takes 200 as a restored copy, with the expiry HeadObject gives', async () => {
    send.mockResolvedValueOnce({ $metadata: { httpStatusCode: 200 } });
    send.mockResolvedValueOnce({
      $metadata: { httpStatusCode: 200 },
      Restore: 'ongoing-request="false", expiry-date="Sat, 02 Jan 2100 00:00:00 GMT"',
    });
    expect(await retrieval.startRestore(key, 'standard', 1)).toEqual({
      handle: key,
      status: { state: 'ready', expiresAt: new Date(Date.UTC(2100, 0, 2)) },
    });
    expect(send.mock.calls[1][0]).toBeInstanceOf(HeadObjectCommand);
  });

  it('refuses to restore a missing object with StoredObjectNotFoundError, and reports its restore failed', async () => {
    send.mockRejectedValueOnce(s3Error('NoSuchKey', 404));
    await expect(retrieval.startRestore(key, 'standard', 1)).rejects.toBeInstanceOf(StoredObjectNotFoundError);
    send.mockRejectedValueOnce(s3Error('NotFound', 404));
    expect(await retrieval.restoreStatus(key, key)).toEqual({
      state: 'failed',
      reason: 'the archived object no longer exists',
    });
  });

  it('passes other refusals on (an Expedited restore of DEEP_ARCHIVE)', async () => {
    send.mockRejectedValueOnce(s3Error('InvalidArgument', 400));
    await expect(retrieval.startRestore(key, 'expedited', 1)).rejects.toMatchObject({ name: 'InvalidArgument' });
  });

  it('refuses keys that could leave the prefix before asking S3', async () => {
    await expect(retrieval.startRestore('../etc/passwd', 'standard', 1)).rejects.toBeInstanceOf(DomainError);
    await expect(retrieval.restoreStatus('/abs', '/abs')).rejects.toBeInstanceOf(DomainError);
    expect(send).not.toHaveBeenCalled();
  });
});
