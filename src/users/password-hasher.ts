import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { compare, hash } from 'bcryptjs';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';

/** bcrypt with the configured cost. */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** Compared against when an email is unknown, so a miss costs as long as a wrong password. */
  private dummyHash = '';

  constructor(@Inject(APP_CONFIG) private readonly config: RuntimeConfig) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash(randomBytes(18).toString('base64url'));
  }

  hash(password: string): Promise<string> {
    return hash(password, this.config.bcryptRounds);
  }

  /** False for a wrong password and for a missing account, after the same amount of work. */
  async verify(password: string, passwordHash: string | null): Promise<boolean> {
    // bcrypt ignores bytes past 72: a longer password could otherwise match a shorter stored one.
    const tooLong = Buffer.byteLength(password) > 72;
    const matches = await compare(password, passwordHash ?? this.dummyHash);
    return matches && passwordHash !== null && !tooLong;
  }
}
