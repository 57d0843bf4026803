import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { STORAGE_USAGE, StorageUsage, UPLOAD_POLICY, UploadPolicy } from '../../ports';
import { GetStorageUsageQuery } from './get-storage-usage.query';

@QueryHandler(GetStorageUsageQuery)
export class GetStorageUsageHandler implements IQueryHandler<GetStorageUsageQuery> {
  constructor(
    @Inject(STORAGE_USAGE) private readonly usage: StorageUsage,
    @Inject(UPLOAD_POLICY) private readonly policy: UploadPolicy,
  ) {}

  async execute({ actor }: GetStorageUsageQuery) {
    return { ...(await this.usage.of(actor.userId)), quotaBytes: this.policy.storageQuotaBytes };
  }
}
