import type { KeyObject } from 'node:crypto';
import { JsonWebTokenError, NotBeforeError, TokenExpiredError, verify, type JwtPayload } from 'jsonwebtoken';

/** Tokens remembered; past this the memo starts over (an entry is the token and its small payload, < 1 KB). */
const MAX_REMEMBERED_TOKENS = 4096;

export type Clock = () => number;

/**
 * Sign-in tokens this process has verified, by the token's exact text, with their payload
 * (docs/caller-memo.md, "Verified tokens"). Verifying a token is a pure function of its text and
 * the secret, which is fixed for the life of the process, except for the time claims: those are
 * checked again on every use, against the clock, exactly as jsonwebtoken checks them. Only tokens
 * that verified are kept, so a forged or altered token (any other text) is verified in full and
 * refused. Verifying (HMAC, base64 and JSON decoding, the library's option checks) was ~12 % of
 * the CPU of an answer from the cache (README, Performance).
 */
export class VerifiedTokens {
  private readonly byToken = new Map<string, Readonly<JwtPayload>>();

  constructor(
    private readonly secret: KeyObject,
    private readonly now: Clock = Date.now,
  ) {}

  /** The payload of a valid HS256 token, or throws jsonwebtoken's error (expired, not yet valid, invalid). */
  verify(token: string): Readonly<JwtPayload> {
    const known = this.byToken.get(token);
    if (known !== undefined) {
      this.checkTimes(known, token);
      return known;
    }
    const payload = verify(token, this.secret, { algorithms: ['HS256'], clockTimestamp: this.seconds() });
    if (typeof payload === 'string') throw new JsonWebTokenError('invalid payload');
    const frozen = Object.freeze(payload);
    if (this.byToken.size >= MAX_REMEMBERED_TOKENS) this.byToken.clear();
    this.byToken.set(token, frozen);
    return frozen;
  }

  /** jsonwebtoken's own rules for `nbf` and `exp` (no clock tolerance), as at the first verification. */
  private checkTimes(payload: Readonly<JwtPayload>, token: string): void {
    const now = this.seconds();
    if (payload.nbf !== undefined && payload.nbf > now) {
      throw new NotBeforeError('jwt not active', new Date(payload.nbf * 1000));
    }
    if (payload.exp !== undefined && now >= payload.exp) {
      this.byToken.delete(token);
      throw new TokenExpiredError('jwt expired', new Date(payload.exp * 1000));
    }
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
