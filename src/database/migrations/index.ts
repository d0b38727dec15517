import { UsersGroupsKeys1763780000000 } from './1763780000000-UsersGroupsKeys';
import { ModelsAndGrants1763780100000 } from './1763780100000-ModelsAndGrants';

/** Every migration, in order. Listed by class so they run the same from ts (tests) and js (dist). */
export const MIGRATIONS = [UsersGroupsKeys1763780000000, ModelsAndGrants1763780100000];
