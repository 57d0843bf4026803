import { DynamicModule, Module } from '@nestjs/common';
import { RelocationsController } from '../api/relocation/relocations.controller';
import { RELOCATION_COMMAND_HANDLERS, RELOCATION_SERVICES, RelocatedObjectCleanup } from '../application/relocation';
import { DeleteGivenUpCopiesJob } from '../infrastructure/relocation/jobs/delete-given-up-copies.job';
import { RelocateFileJob } from '../infrastructure/relocation/jobs/relocate-file.job';
import { RelocateProviderJob } from '../infrastructure/relocation/jobs/relocate-provider.job';
import { RELOCATION_PROVIDERS } from '../infrastructure/relocation/relocation.providers';
import { featureModule, ModuleOptions } from './feature-module';

/** Moving files between providers: one file, or all of a provider's; the given-up copies deleted after a grace. */
@Module({})
export class RelocationModule {
  static register(options: ModuleOptions): DynamicModule {
    return featureModule(RelocationModule, options, {
      providers: [...RELOCATION_PROVIDERS, ...RELOCATION_SERVICES, ...RELOCATION_COMMAND_HANDLERS],
      controllers: [RelocationsController],
      jobs: [RelocateFileJob, RelocateProviderJob, DeleteGivenUpCopiesJob],
      subscribers: [RelocatedObjectCleanup],
      exports: [...RELOCATION_SERVICES],
    });
  }
}
