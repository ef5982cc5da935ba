import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether `offered` is `expected`, in constant time: both are hashed first, so that neither the
 * comparison nor an early length mismatch tells an attacker how much of a guess was right.
 */
export function sameKey(offered: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(offered), digest(expected));
}
