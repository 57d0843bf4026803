/** Active → Completed | Aborted | Expired; the three outcomes are final. */
export enum UploadSessionStatus {
  Active = 'active',
  Completed = 'completed',
  Aborted = 'aborted',
  Expired = 'expired',
}

export function isUploadSessionStatus(value: string): value is UploadSessionStatus {
  return (Object.values(UploadSessionStatus) as string[]).includes(value);
}
