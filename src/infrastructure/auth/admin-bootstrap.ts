import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EnsureAdminCommand } from '../../application/auth';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/** Creates or repairs the admin account from ADMIN_EMAIL / ADMIN_PASSWORD before traffic arrives. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly commands: CommandBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.admin;
    if (!admin) return;
    const outcome = await this.commands.execute(new EnsureAdminCommand(admin.email, admin.password));
    if (outcome !== 'unchanged') this.logger.log(`Admin account ${admin.email} ${outcome}`);
  }
}
