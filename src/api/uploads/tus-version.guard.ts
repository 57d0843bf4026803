import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ProblemException } from '../problem/problem-exception';
import { TUS_VERSION } from './tus-headers';

/** Every tus request but OPTIONS names the protocol version; another one answers 412. */
@Injectable()
export class TusVersionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const version = context.switchToHttp().getRequest<Request>().headers['tus-resumable'];
    if (version === TUS_VERSION) return true;
    throw new ProblemException(
      412,
      'unsupported-tus-version',
      'Precondition Failed',
      version
        ? `tus version ${version} is not supported; this server speaks ${TUS_VERSION}.`
        : `Send Tus-Resumable: ${TUS_VERSION}.`,
      { headers: { 'Tus-Version': TUS_VERSION } },
    );
  }
}
