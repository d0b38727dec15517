import type { ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { AuthenticatedRequest, Caller, callerOf, CurrentCaller } from '../../src/access/caller';

/** The function Nest runs to resolve @CurrentCaller() for a handler parameter. */
function resolveCaller(request: AuthenticatedRequest): Caller {
  class Probe {
    handler(@CurrentCaller() _caller: Caller): void {}
  }
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Probe, 'handler') as Record<
    string,
    { factory: (data: unknown, context: ExecutionContext) => Caller }
  >;
  const context = { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
  return Object.values(args)[0].factory(undefined, context);
}

describe('@CurrentCaller()', () => {
  it('hands over the caller the guard left on the request', () => {
    const user = {
      id: 'u',
      name: 'U',
      email: 'u@x',
      username: null,
      role: 'admin' as const,
      groupIds: ['g'],
      apiKey: null,
      changeVersion: '0',
    };
    const caller = callerOf(user, { bypassAdminAccessControl: true });
    expect(resolveCaller({ user, caller })).toBe(caller);
    expect(caller).toEqual({
      userId: 'u',
      name: user.name,
      via: 'token',
      groupIds: ['g'],
      isAdmin: true,
      bypass: true,
      keyGroupId: null,
      keyModels: null,
      readOnly: false,
    });
  });

  it('fails loudly on a route without a caller (a @Public route)', () => {
    expect(() => resolveCaller({})).toThrow(/@CurrentCaller\(\).*@Public\(\)/);
  });
});
