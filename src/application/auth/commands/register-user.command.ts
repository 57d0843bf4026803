import { Command } from '@nestjs/cqrs';
import { TokenPair } from '../session-tokens';
import { UserView } from '../user-view';

export interface RegisterUserResult {
  user: UserView;
  tokens: TokenPair;
}

export class RegisterUserCommand extends Command<RegisterUserResult> {
  constructor(
    readonly email: string,
    readonly password: string,
  ) {
    super();
  }
}
