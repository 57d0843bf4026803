import { Controller, Delete, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { assertAdmin } from '../../application/jobs';
import { Actor } from '../../domain/auth/role';
import { DashboardSessions } from '../../infrastructure/auth/dashboard-session';
import { CurrentActor } from '../auth/current-actor.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiProblemResponses } from '../problem/api-problem-responses';

export const DASHBOARD_COOKIE = 'fs_dashboard';
export const DASHBOARD_PATH = '/admin';

@ApiTags('admin')
@ApiBearerAuth()
@ApiProblemResponses(401, 403)
@UseGuards(JwtAuthGuard)
@Controller('admin/dashboard-session')
export class DashboardSessionController {
  constructor(private readonly sessions: DashboardSessions) {}

  @Post()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Exchange an admin token for a 15-minute cookie that opens the queue dashboard at /admin/queues',
  })
  @ApiNoContentResponse({ description: 'Set-Cookie: fs_dashboard (HttpOnly, SameSite=Strict, Path=/admin).' })
  open(@CurrentActor() actor: Actor, @Req() req: Request, @Res({ passthrough: true }) res: Response): void {
    assertAdmin(actor);
    res.cookie(DASHBOARD_COOKIE, this.sessions.issue(actor.userId), {
      httpOnly: true,
      sameSite: 'strict',
      // Behind a TLS proxy on another host req.secure is false; PUBLIC_URL says how clients come in.
      secure: req.secure || req.headers['x-forwarded-proto'] === 'https',
      path: DASHBOARD_PATH,
      maxAge: this.sessions.ttlSeconds * 1000,
    });
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Close the dashboard session' })
  close(@Res({ passthrough: true }) res: Response): void {
    res.clearCookie(DASHBOARD_COOKIE, { path: DASHBOARD_PATH });
  }
}
