import fc from 'fast-check';
import type { Request } from 'express';
import { callerOf } from '../../src/access/caller';
import { negotiatedEncoding } from '../../src/common/answer-encoding';
import { answerKey, answerTag } from '../../src/common/answer-tag';
import type { AuthUser } from '../../src/common/auth-user';
import { revalidationOf, type RevalidatedKind } from '../../src/common/revalidation';

/** The parts of a request revalidationOf reads, as Express would give them. */
function request(path: string, query: string, headers: Record<string, string>): Request {
  const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    path,
    url: query ? `${path}?${query}` : path,
    header: (name: string) => lower[name.toLowerCase()],
  } as Request;
}

function user(id: string, role: 'user' | 'admin', changeVersion: string, keyModels: string[] | null): AuthUser {
  const apiKey = keyModels
    ? Object.freeze({ id: `key-${id}`, groupId: null, models: keyModels, readOnly: true })
    : null;
  return Object.freeze({ id, name: id, email: `${id}@x`, username: null, role, groupIds: [], apiKey, changeVersion });
}

/** What revalidationOf must return: answerKey and answerTag of the request, computed afresh. */
function expected(r: Request, kind: RevalidatedKind, u: AuthUser, bypass: boolean) {
  const key = answerKey({
    changeVersion: u.changeVersion,
    caller: callerOf(u, { bypassAdminAccessControl: bypass }),
    keyId: u.apiKey?.id ?? null,
    path: r.path,
    query: r.url.includes('?') ? r.url.slice(r.url.indexOf('?') + 1) : '',
    anthropicVersion: kind === 'gateway' ? r.header('anthropic-version') : undefined,
    googleKeyHeader: kind === 'gateway' && r.header('x-goog-api-key') !== undefined,
  });
  const encoding = negotiatedEncoding(r.header('accept-encoding'));
  return { key, tag: answerTag(key, encoding), encoding };
}

describe('revalidations remembered per caller', () => {
  it('are exactly what answerKey and answerTag give, for every caller and request, repeated in any order', () => {
    const users = [
      user('a', 'user', '1', null),
      user('a', 'user', '2', null),
      user('b', 'user', '1', null),
      user('c', 'admin', '1', null),
      user('k', 'user', '1', Object.freeze(['m1', 'm2']) as string[]),
    ];
    const step = fc.record({
      user: fc.integer({ min: 0, max: users.length - 1 }),
      kind: fc.constantFrom<RevalidatedKind>('api', 'gateway'),
      bypass: fc.boolean(),
      path: fc.constantFrom('/api/models/list', '/v1/models', '/v1beta/models'),
      query: fc.constantFrom('', 'limit=1', 'limit=2', 'key=abc', 'capability=a&capability=b'),
      accept: fc.constantFrom(undefined, 'gzip', 'br', 'gzip, br', 'identity', 'deflate;q=0.5, gzip;q=0'),
      anthropic: fc.constantFrom(undefined, '2023-06-01'),
      google: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        for (const s of steps) {
          const headers: Record<string, string> = {};
          if (s.accept) headers['Accept-Encoding'] = s.accept;
          if (s.anthropic) headers['anthropic-version'] = s.anthropic;
          if (s.google) headers['x-goog-api-key'] = 'g';
          const r = request(s.path, s.query, headers);
          const u = users[s.user];
          const got = revalidationOf(r, s.kind, u, callerOf(u, { bypassAdminAccessControl: s.bypass }));
          expect(got).toEqual(expected(r, s.kind, u, s.bypass));
        }
      }),
      { numRuns: 300 },
    );
  });
});
