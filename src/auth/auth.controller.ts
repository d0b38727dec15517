import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../common/auth-user';
import { AllowPending, CurrentUser, Public } from '../common/decorators';
import { ApiCallerAuth } from '../common/openapi';
import { nowSeconds } from '../common/time';
import { AuthService } from './auth.service';
import { SessionResponseDto, SignInDto, SignOutResponseDto, SignUpDto } from './dto/auth.dto';
import { CallerResponseDto } from './dto/caller.dto';
import { clearSessionCookie, setSessionCookie } from './session-cookie';

@ApiTags('auth')
@Controller('api/auths')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('signup')
  @ApiOkResponse({ type: SessionResponseDto })
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Create an account (the first one becomes admin) and sign it in; also sets the session cookie',
  })
  async signUp(
    @Body() body: SignUpDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionResponseDto> {
    return this.withCookie(request, response, await this.auth.signUp(body));
  }

  @Post('signin')
  @ApiOkResponse({ type: SessionResponseDto })
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Exchange email and password for a token, also set as the session cookie; 429 after 10 failures in 15 minutes',
  })
  async signIn(
    @Body() body: SignInDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionResponseDto> {
    const session = await this.auth.signIn(body, (seconds) => response.setHeader('Retry-After', String(seconds)));
    return this.withCookie(request, response, session);
  }

  /**
   * Public and idempotent: a browser whose cookie has expired (or was never set) must still be
   * able to clear it. GET too, because Open WebUI's pages sign out with a GET.
   */
  @Post('signout')
  @ApiOkResponse({ type: SignOutResponseDto })
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Clear the session cookie (the token itself stays valid until it expires)' })
  signOut(@Req() request: Request, @Res({ passthrough: true }) response: Response): SignOutResponseDto {
    clearSessionCookie(request, response);
    return { status: true };
  }

  @Get('signout')
  @ApiOkResponse({ type: SignOutResponseDto })
  @Public()
  @ApiOperation({ summary: "Same as POST /api/auths/signout, as Open WebUI's pages call it" })
  signOutWithGet(@Req() request: Request, @Res({ passthrough: true }) response: Response): SignOutResponseDto {
    return this.signOut(request, response);
  }

  @Get()
  @ApiOkResponse({ type: CallerResponseDto })
  @AllowPending()
  @ApiCallerAuth()
  @ApiOperation({ summary: 'The caller (pending accounts too), with what its account may do' })
  me(@CurrentUser() caller: AuthUser): Promise<CallerResponseDto> {
    return this.auth.caller(caller.id, { readOnlyKey: caller.apiKey?.readOnly ?? false });
  }

  private withCookie(request: Request, response: Response, session: SessionResponseDto): SessionResponseDto {
    setSessionCookie(request, response, session.token, Math.max(0, session.expires_at - nowSeconds()));
    return session;
  }
}
