import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../common/auth-user';
import { AllowPending, CurrentUser, Public } from '../common/decorators';
import { ApiCallerAuth } from '../common/openapi';
import { AuthService } from './auth.service';
import { SessionResponseDto, SignInDto, SignUpDto } from './dto/auth.dto';
import { CallerResponseDto } from './dto/caller.dto';

@ApiTags('auth')
@Controller('api/auths')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('signup')
  @ApiOkResponse({ type: SessionResponseDto })
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Create an account (the first one becomes admin) and sign it in' })
  signUp(@Body() body: SignUpDto): Promise<SessionResponseDto> {
    return this.auth.signUp(body);
  }

  @Post('signin')
  @ApiOkResponse({ type: SessionResponseDto })
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for a token; 429 after 10 failures in 15 minutes' })
  signIn(@Body() body: SignInDto, @Res({ passthrough: true }) response: Response): Promise<SessionResponseDto> {
    return this.auth.signIn(body, (seconds) => response.setHeader('Retry-After', String(seconds)));
  }

  @Get()
  @ApiOkResponse({ type: CallerResponseDto })
  @AllowPending()
  @ApiCallerAuth()
  @ApiOperation({ summary: 'The caller (pending accounts too), with what its account may do' })
  me(@CurrentUser() caller: AuthUser): Promise<CallerResponseDto> {
    return this.auth.caller(caller.id);
  }
}
