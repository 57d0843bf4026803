/**
 * The app's settings for its archive providers pointed at the emulators in test/support, for the
 * suites that run restores end to end. The emulators check the access key id: start the S3 one
 * with s3rver's key ('S3RVER') and the Glacier one with 'VAULTKEY'.
 */

const S3_ARCHIVE_PREFIX = {
  's3-flexible-retrieval': 'STORAGE_FLEXIBLE_RETRIEVAL_',
  's3-deep-archive': 'STORAGE_DEEP_ARCHIVE_',
} as const;

/** One S3 archive class on `bucket`, reached through the archive emulator at `endpoint`. */
export function s3ArchiveEnv(
  provider: keyof typeof S3_ARCHIVE_PREFIX,
  bucket: string,
  endpoint: string,
): Record<string, string> {
  const prefix = S3_ARCHIVE_PREFIX[provider];
  return {
    [`${prefix}BUCKET`]: bucket,
    [`${prefix}ENDPOINT`]: endpoint,
    [`${prefix}FORCE_PATH_STYLE`]: 'true',
    [`${prefix}ACCESS_KEY_ID`]: 'S3RVER',
    [`${prefix}SECRET_ACCESS_KEY`]: 'S3RVER',
  };
}

/** The legacy vault provider on `vault` of the Glacier emulator at `endpoint`. */
export function glacierVaultEnv(vault: string, endpoint: string): Record<string, string> {
  return {
    STORAGE_GLACIER_VAULT: vault,
    STORAGE_GLACIER_ENDPOINT: endpoint,
    STORAGE_GLACIER_ACCESS_KEY_ID: 'VAULTKEY',
    STORAGE_GLACIER_SECRET_ACCESS_KEY: 'vault-secret',
  };
}

/** Restores checked every 150–250 ms and swept every 400 ms: emulated restores take milliseconds, not hours. */
export const QUICK_RETRIEVAL_POLLING = {
  RETRIEVAL_POLL_EXPEDITED_MS: '150',
  RETRIEVAL_POLL_STANDARD_MS: '200',
  RETRIEVAL_POLL_BULK_MS: '250',
  RETRIEVAL_SWEEP_INTERVAL_MS: '400',
};
