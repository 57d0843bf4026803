import { Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { RUNTIME, RuntimeSettings } from '../config/runtime';

const AUDIENCE = 'flexstorage-dashboard';

/**
 * Short-lived sessions for the queue dashboard, a browser page that cannot send a bearer token:
 * an admin exchanges their token for a cookie holding this signed token. Its key is derived from
 * JWT_SECRET, so a dashboard cookie is never a valid API token (nor the other way round).
 */
@Injectable()
export class DashboardSessions {
  private readonly key: Buffer;
  readonly ttlSeconds = 15 * 60;

  constructor(@Inject(RUNTIME) runtime: RuntimeSettings) {
    this.key = createHmac('sha256', runtime.jwtSecret).update('dashboard-session').digest();
  }

  issue(userId: string): string {
    return jwt.sign({ sub: userId }, this.key, { algorithm: 'HS256', audience: AUDIENCE, expiresIn: this.ttlSeconds });
  }

  /** The admin's id, or null for a missing, forged or expired session. */
  verify(token: string | undefined): string | null {
    if (!token) return null;
    try {
      const claims = jwt.verify(token, this.key, { algorithms: ['HS256'], audience: AUDIENCE }) as jwt.JwtPayload;
      return typeof claims.sub === 'string' ? claims.sub : null;
    } catch {
      return null;
    }
  }
}
