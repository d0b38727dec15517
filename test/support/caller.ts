import type { Caller } from '../../src/access/caller';

export const TEST_USER_ID = '11111111-1111-4111-8111-111111111111';

/** A regular signed-in caller with no groups and no key, changed by `overrides` (unit tests). */
export function makeCaller(overrides: Partial<Caller> = {}): Caller {
  return {
    userId: TEST_USER_ID,
    name: 'Test User',
    via: 'token',
    groupIds: [],
    isAdmin: false,
    bypass: false,
    keyGroupId: null,
    keyModels: null,
    readOnly: false,
    ...overrides,
  };
}
