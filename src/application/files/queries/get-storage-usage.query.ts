import { Query } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { StorageUsageView } from '../../ports';

export class GetStorageUsageQuery extends Query<StorageUsageView & { quotaBytes: number | null }> {
  constructor(readonly actor: Actor) {
    super();
  }
}
