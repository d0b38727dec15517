import { createSecretKey } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { VerifiedTokens } from '../../src/auth/verified-tokens';

const SECRET = 'unit-secret-of-at-least-32-characters!!';
const key = createSecretKey(Buffer.from(SECRET, 'utf8'));
const T0 = Date.UTC(2026, 11, 1) / 1000;

function token(claims: Record<string, unknown>, secret = SECRET): string {
  return sign(claims, secret, { algorithm: 'HS256', noTimestamp: true });
}

describe('VerifiedTokens (the memo of verified sign-in tokens)', () => {
  let now = T0 * 1000;
  const tokens = () => new VerifiedTokens(key, () => now);
  beforeEach(() => (now = T0 * 1000));

  it('refuses a remembered token once its exp has passed, as jsonwebtoken would', () => {
    const memo = tokens();
    const t = token({ sub: 'a', iat: T0, exp: T0 + 60 });
    expect(memo.verify(t).sub).toBe('a');
    now = (T0 + 59) * 1000;
    expect(memo.verify(t).sub).toBe('a');
    now = (T0 + 60) * 1000;
    expect(() => memo.verify(t)).toThrow(expect.objectContaining({ name: 'TokenExpiredError' }));
    // Still refused afterwards (forgotten, then verified in full again).
    expect(() => memo.verify(t)).toThrow(expect.objectContaining({ name: 'TokenExpiredError' }));
  });

  it('refuses a remembered token before its nbf', () => {
    const memo = tokens();
    const t = token({ sub: 'a', nbf: T0 + 10, exp: T0 + 60 });
    expect(() => memo.verify(t)).toThrow(expect.objectContaining({ name: 'NotBeforeError' }));
    now = (T0 + 10) * 1000;
    expect(memo.verify(t).sub).toBe('a');
    now = (T0 + 5) * 1000;
    expect(() => memo.verify(t)).toThrow(expect.objectContaining({ name: 'NotBeforeError' }));
  });

  it("answers each token with its own payload, never another caller's", () => {
    const memo = tokens();
    const a = token({ sub: 'a', exp: T0 + 60 });
    const b = token({ sub: 'b', exp: T0 + 60 });
    expect(memo.verify(a).sub).toBe('a');
    expect(memo.verify(b).sub).toBe('b');
    expect(memo.verify(a).sub).toBe('a');
  });

  it('verifies in full any text it has not verified: an altered signature, another secret, none', () => {
    const memo = tokens();
    const good = token({ sub: 'a', exp: T0 + 60 });
    memo.verify(good);
    const [head, body, signature] = good.split('.');
    const flipped = signature[0] === 'A' ? 'B' + signature.slice(1) : 'A' + signature.slice(1);
    expect(() => memo.verify(`${head}.${body}.${flipped}`)).toThrow(
      expect.objectContaining({ name: 'JsonWebTokenError' }),
    );
    expect(() => memo.verify(token({ sub: 'a', exp: T0 + 60 }, 'another-secret-of-32-characters!!!!!'))).toThrow(
      expect.objectContaining({ name: 'JsonWebTokenError' }),
    );
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${body}.`;
    expect(() => memo.verify(none)).toThrow(expect.objectContaining({ name: 'JsonWebTokenError' }));
    // A payload of one token under another's signature.
    const other = token({ sub: 'b', exp: T0 + 60 });
    expect(() => memo.verify(`${head}.${other.split('.')[1]}.${signature}`)).toThrow(
      expect.objectContaining({ name: 'JsonWebTokenError' }),
    );
  });

  it('hands out a frozen payload, so no request can change what the next one reads', () => {
    const memo = tokens();
    const t = token({ sub: 'a', exp: T0 + 60 });
    expect(Object.isFrozen(memo.verify(t))).toBe(true);
    expect(memo.verify(t)).toBe(memo.verify(t));
  });
});
