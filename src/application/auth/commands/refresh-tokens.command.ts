import { Command } from '@nestjs/cqrs';
import { TokenPair } from '../session-tokens';

export class RefreshTokensCommand extends Command<TokenPair> {
  constructor(readonly refreshToken: string) {
    super();
  }
}
