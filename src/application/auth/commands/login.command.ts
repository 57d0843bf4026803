import { Command } from '@nestjs/cqrs';
import { TokenPair } from '../session-tokens';

export class LoginCommand extends Command<TokenPair> {
  constructor(
    readonly email: string,
    readonly password: string,
  ) {
    super();
  }
}
