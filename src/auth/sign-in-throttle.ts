import { Injectable } from '@nestjs/common';
import { normaliseEmail } from '../users/dto/user-fields';

export const SIGN_IN_MAX_FAILURES = 10;
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;
/** Bounds memory under a spray of made-up emails; the least recently failed are forgotten first. */
const MAX_TRACKED_EMAILS = 50_000;

/**
 * Failed sign-ins per email (case-insensitive) over a sliding 15-minute window: an email with 10
 * failures in the window is refused (429) until the oldest of them leaves it. Kept in this
 * process's memory: it resets on restart and is per instance (see README).
 */
@Injectable()
export class SignInThrottle {
  /** Failure times (ms), oldest first, at most SIGN_IN_MAX_FAILURES per email. */
  private readonly failures = new Map<string, number[]>();

  /** Seconds until this email may try again; 0 when it may now. */
  retryAfterSeconds(email: string): number {
    const recent = this.recent(normaliseEmail(email));
    if (recent.length < SIGN_IN_MAX_FAILURES) return 0;
    return Math.max(1, Math.ceil((recent[0] + SIGN_IN_WINDOW_SECONDS * 1000 - Date.now()) / 1000));
  }

  recordFailure(email: string): void {
    const key = normaliseEmail(email);
    const recent = [...this.recent(key), Date.now()].slice(-SIGN_IN_MAX_FAILURES);
    // Delete first so the email moves to the end of the Map's insertion order (most recent).
    this.failures.delete(key);
    this.failures.set(key, recent);
    if (this.failures.size > MAX_TRACKED_EMAILS) this.failures.delete(this.failures.keys().next().value!);
  }

  reset(email: string): void {
    this.failures.delete(normaliseEmail(email));
  }

  private recent(key: string): number[] {
    const since = Date.now() - SIGN_IN_WINDOW_SECONDS * 1000;
    const recent = (this.failures.get(key) ?? []).filter((time) => time > since);
    if (recent.length === 0) this.failures.delete(key);
    return recent;
  }
}
