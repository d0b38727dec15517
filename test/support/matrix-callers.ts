import type { Actor } from './actors';
import type { World } from './model-fixtures';

/**
 * The callers of the model authorization matrices (models-access-matrix, models-lifecycle-matrix):
 * each with the access it has to the target model, in a world with the admin bypass on or off.
 */
export type Access = 'write' | 'read' | 'none' | 'pending' | 'anon';
export interface Caller {
  name: string;
  world: 'bypass' | 'noBypass';
  actor: (w: World) => Actor | null;
  target: 'private' | 'public';
  access: Access;
  admin?: boolean;
}

export const CALLERS: Caller[] = [
  {
    name: 'admin (bypass on)',
    world: 'bypass',
    actor: (w) => w.admin,
    target: 'private',
    access: 'write',
    admin: true,
  },
  {
    name: 'admin (bypass off)',
    world: 'noBypass',
    actor: (w) => w.admin,
    target: 'private',
    access: 'none',
    admin: true,
  },
  { name: 'owner', world: 'bypass', actor: (w) => w.owner, target: 'private', access: 'write' },
  { name: 'user with a read grant', world: 'bypass', actor: (w) => w.reader, target: 'private', access: 'read' },
  { name: 'user with a write grant', world: 'bypass', actor: (w) => w.writer, target: 'private', access: 'write' },
  { name: 'group member with read', world: 'bypass', actor: (w) => w.groupReader, target: 'private', access: 'read' },
  { name: 'group member with write', world: 'bypass', actor: (w) => w.groupWriter, target: 'private', access: 'write' },
  {
    name: 'Json user on a public model',
    world: 'bypass',
    actor: (w) => w.publicUser,
    target: 'public',
    access: 'read',
  },
  { name: 'stranger', world: 'bypass', actor: (w) => w.stranger, target: 'private', access: 'none' },
  { name: 'pending user', world: 'bypass', actor: (w) => w.pending, target: 'private', access: 'pending' },
  { name: 'anonymous caller', world: 'bypass', actor: () => null, target: 'private', access: 'anon' },
];

export const DENIED: Partial<Record<Access, number>> = { pending: 403, anon: 401 };
export const canRead = (c: Caller) => c.access === 'read' || c.access === 'write';
