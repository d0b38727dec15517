import type { UserRole } from './user-role';

/** The API key a request came with, when it did. */
export interface AuthApiKey {
  id: string;
  /** The key's token group: everything it reads is narrowed to models granted to it or public. */
  groupId: string | null;
  /** Allow-list of model ids, or null for no limit. */
  models: string[] | null;
  /** No writes with this key: set at creation, always true with a token group or an allow-list. */
  readOnly: boolean;
}

/** Who is calling: current for every request (auth-user.loader.ts), so role and membership changes apply at once. */
export interface AuthUser {
  id: string;
  name: string;
  email: string;
  username: string | null;
  role: UserRole;
  /** Ids of every group the user belongs to. */
  groupIds: string[];
  apiKey: AuthApiKey | null;
  /**
   * The registry's change version, read in the same statement as the rest (primary), before any
   * answer: what this request answers is at least this new (src/database/change-tracking.ts).
   */
  changeVersion: string;
}
