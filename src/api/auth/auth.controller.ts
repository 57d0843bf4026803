import { Body, Controller, Get, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LoginCommand, RefreshTokensCommand, RegisterUserCommand, TokenPair } from '../../application/auth';
import { Actor } from '../../domain/auth';
import {
  ActorResponse,
  LoginRequest,
  RefreshRequest,
  RegisterRequest,
  RegisterResponse,
  TokenPairResponse,
} from './auth.dto';
import { ApiProblem, ApiProblemResponses } from '../problem/api-problem-responses';
import { CurrentActor } from './current-actor.decorator';
import { JwtAuthGuard } from './jwt-auth.guard';

@ApiTags('auth')
@UseGuards(ThrottlerGuard)
@ApiProblem(429, {
  code: 'too-many-requests',
  title: 'Too Many Requests',
  detail: 'ThrottlerException: Too Many Requests',
  description: 'Too many requests from this address (AUTH_RATE_LIMIT per AUTH_RATE_WINDOW); see Retry-After.',
})
@Controller('auth')
export class AuthController {
  constructor(private readonly commands: CommandBus) {}

  @Post('register')
  @HttpCode(201)
  @Header('Cache-Control', 'no-store') // tokens must not sit in caches (RFC 6749 §5.1)
  @ApiOperation({ operationId: 'register', summary: 'Create an account (role user) and sign it in' })
  @ApiCreatedResponse({ type: RegisterResponse })
  @ApiProblemResponses(400)
  @ApiProblem(409, {
    code: 'email-already-registered',
    title: 'Conflict',
    detail: 'An account with this email address already exists.',
    description: 'The email address is already registered.',
  })
  async register(@Body() body: RegisterRequest): Promise<RegisterResponse> {
    const { user, tokens } = await this.commands.execute(new RegisterUserCommand(body.email, body.password));
    return { user, ...tokens };
  }

  @Post('login')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ operationId: 'login', summary: 'Exchange email and password for an access and a refresh token' })
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiProblemResponses(400)
  @ApiProblem(401, {
    code: 'invalid-credentials',
    title: 'Unauthorized',
    detail: 'The email address or password is wrong.',
    description: 'Wrong email or password (the same answer for both).',
  })
  login(@Body() body: LoginRequest): Promise<TokenPair> {
    return this.commands.execute(new LoginCommand(body.email, body.password));
  }

  @Post('refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'refreshTokens',
    summary: 'Exchange a refresh token for a new pair; the old refresh token is used up',
  })
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiProblemResponses(400)
  @ApiProblem(401, {
    code: 'invalid-refresh-token',
    title: 'Unauthorized',
    detail: 'The refresh token is not valid; sign in again.',
    description: 'Unknown, expired or already used. Reuse ends every session of that sign-in.',
  })
  refresh(@Body() body: RefreshRequest): Promise<TokenPair> {
    return this.commands.execute(new RefreshTokensCommand(body.refreshToken));
  }

  @Get('me')
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'getCurrentUser', summary: 'Who the bearer token says you are' })
  @ApiOkResponse({ type: ActorResponse })
  @ApiProblemResponses(401)
  me(@CurrentActor() actor: Actor): ActorResponse {
    return { userId: actor.userId, roles: [...actor.roles] };
  }
}
