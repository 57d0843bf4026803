import { EnsureAdminHandler } from './commands/ensure-admin.handler';
import { LoginHandler } from './commands/login.handler';
import { RefreshTokensHandler } from './commands/refresh-tokens.handler';
import { RegisterUserHandler } from './commands/register-user.handler';
import { SessionTokens } from './session-tokens';

export * from './authentication-failed.error';
export * from './commands/ensure-admin.command';
export * from './commands/login.command';
export * from './commands/refresh-tokens.command';
export * from './commands/register-user.command';
export * from './ports';
export * from './session-tokens';
export * from './user-view';

export const AUTH_COMMAND_HANDLERS = [RegisterUserHandler, LoginHandler, RefreshTokensHandler, EnsureAdminHandler];
/** Everything the auth use cases need from the application layer itself. */
export const AUTH_APPLICATION_PROVIDERS = [SessionTokens, ...AUTH_COMMAND_HANDLERS];
