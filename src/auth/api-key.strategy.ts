import { ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { API_KEY_PREFIX, hashApiKey } from '../api-keys/api-key-secret';
import { ApiKeysService } from '../api-keys/api-keys.service';
import type { AuthUser } from '../common/auth-user';
import { nowSeconds } from '../common/time';
import { AuthUserLoader } from './auth-user.loader';
import { readApiKey } from './credentials';

/** Real keys are 67 characters; anything much longer is not worth hashing. */
const MAX_KEY_LENGTH = 256;

/** API keys `sk-…`, looked up by their SHA-256; called by access-decision.ts. */
@Injectable()
export class ApiKeyStrategy {
  constructor(
    private readonly loader: AuthUserLoader,
    private readonly keys: ApiKeysService,
  ) {}

  async authenticate(request: Request): Promise<AuthUser> {
    const secret = readApiKey(request);
    const wellFormed = secret !== null && secret.startsWith(API_KEY_PREFIX) && secret.length <= MAX_KEY_LENGTH;
    const keyHash = wellFormed ? hashApiKey(secret) : null;
    const found = keyHash !== null ? await this.loader.byApiKeyHash(keyHash) : null;
    if (!found) throw new UnauthorizedException('Invalid API key');
    if (found.expiresAt !== null && found.expiresAt <= nowSeconds()) {
      throw new UnauthorizedException('API key has expired');
    }
    const { user } = found;
    // A key bound to a group its user has left (or that was deleted) must not keep that group's view.
    if (user.apiKey.groupId !== null && !user.groupIds.includes(user.apiKey.groupId)) {
      throw new ForbiddenException('The group of this API key no longer includes its owner');
    }
    const usedAt = await this.keys.recordUse(user.apiKey.id, found.lastUsedAt);
    if (usedAt !== null) this.loader.keyUsed(keyHash!, usedAt);
    return user;
  }
}
