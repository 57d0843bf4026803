import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProviderListing } from '../../application/storage/provider-listing';
import { Actor } from '../../domain/auth/role';
import { CurrentActor } from '../auth/current-actor.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import { ProviderResponse } from './provider.dto';

@ApiTags('storage')
@ApiBearerAuth()
@ApiProblemResponses(401)
@UseGuards(JwtAuthGuard)
@Controller('providers')
export class ProvidersController {
  constructor(private readonly listing: ProviderListing) {}

  @Get()
  @ApiOperation({
    operationId: 'listProviders',
    summary: 'The storage providers an upload may choose (admins: also optional plugins that failed to start)',
  })
  @ApiOkResponse({ type: [ProviderResponse] })
  list(@CurrentActor() actor: Actor) {
    return this.listing.list(actor);
  }
}
