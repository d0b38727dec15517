/** What an account may do: admins everything, users their own and shared models, pending nothing yet. */
export type UserRole = 'admin' | 'user' | 'pending';

export const USER_ROLES: readonly UserRole[] = ['admin', 'user', 'pending'];
