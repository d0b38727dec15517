import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'sk-';
/** Characters of the secret kept in clear to tell keys apart, e.g. "sk-3f9a". */
const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 4;

/** `sk-` + 32 random bytes as hex (256 bits): guessing one is hopeless, so a fast hash suffices. */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('hex');
}

/** Hex SHA-256: what is stored and looked up, never the secret itself. */
export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function displayPrefix(secret: string): string {
  return secret.slice(0, DISPLAY_PREFIX_LENGTH);
}
