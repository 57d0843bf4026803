import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { STORAGE_USAGE, StorageUsage, StorageUsageView, UPLOAD_POLICY, UploadPolicy } from '../../ports';

export class GetStorageUsageQuery extends Query<StorageUsageView & { quotaBytes: number | null }> {
  constructor(readonly actor: Actor) {
    super();
  }
}

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
