/**
 * The session signing keys and how a process keeps them current. The deployment stores three keys in
 * one secret, `{"previous","current","next"}` (infra/rotating-values.ts): new cookies are signed with
 * `current`; a cookie verifies under any of the three. A rotation promotes `next` to `current`, keeps
 * the old current as `previous` and draws a new `next`, so a cookie signed by a process that already
 * holds the new set verifies in a process that still holds the old one, and the other way round:
 * nobody is logged out while caches catch up. Shared by the API and the Lambda@Edge guard (node only).
 */
export interface SessionKeys {
  /** Signs new cookies. */
  current: string;
  /** The key before the last rotation: still verifies, so sessions survive a rotation. */
  previous?: string;
  /** The key the next rotation promotes: already verifies, so caches that lag a rotation accept it. */
  next?: string;
}

/** Keys shorter than this are refused: an HMAC-SHA256 key should carry at least 256 bits. */
export const MIN_SESSION_KEY_LENGTH = 32;

/** How long a process uses the keys it read before reading them again. */
export const SESSION_KEYS_REFRESH_MS = 5 * 60_000;
/** After a failed read, how long the process keeps what it has before trying again. */
export const SESSION_KEYS_RETRY_MS = 30_000;

/** Every key a cookie may be signed with, the signing key first. */
export function verifyingKeys(keys: SessionKeys): string[] {
  return [keys.current, keys.previous, keys.next].filter((key): key is string => key !== undefined);
}

/** The key set as the secret stores it; throws naming the field that is wrong. */
export function parseSessionKeys(secretString: string): SessionKeys {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new Error('session keys: the secret is not JSON; expected {"previous","current","next"}');
  }
  if (typeof parsed !== "object" || parsed === null) throw new Error('session keys: expected a JSON object {"previous","current","next"}');
  const field = (name: keyof SessionKeys, required: boolean): string | undefined => {
    const value = (parsed as Record<string, unknown>)[name];
    if (value === undefined && !required) return undefined;
    if (typeof value !== "string" || value.length < MIN_SESSION_KEY_LENGTH) {
      throw new Error(`session keys: "${name}" must be a string of at least ${MIN_SESSION_KEY_LENGTH} characters`);
    }
    return value;
  };
  return { current: field("current", true)!, previous: field("previous", false), next: field("next", false) };
}

export interface RefreshingKeysOptions {
  now?: () => number;
  refreshMs?: number;
  retryMs?: number;
  /** Told about each failed read (the keys in hand, if any, stay in use). */
  onError?: (err: unknown) => void;
}

/**
 * The keys a process holds: read on first use, read again after `refreshMs`. A failed read keeps the
 * keys in hand and is retried no sooner than `retryMs` later, so an unreachable store neither drops
 * working keys nor gets called on every request. Concurrent callers share one read.
 */
export class RefreshingKeys {
  private keys: SessionKeys | undefined;
  private readAt = -Infinity;
  private failedAt = -Infinity;
  private reading: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly load: () => Promise<SessionKeys>,
    private readonly options: RefreshingKeysOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The keys to use now, or undefined when none could ever be read. */
  async get(): Promise<SessionKeys | undefined> {
    const now = this.now();
    const stale = now - this.readAt >= (this.options.refreshMs ?? SESSION_KEYS_REFRESH_MS);
    const backingOff = now - this.failedAt < (this.options.retryMs ?? SESSION_KEYS_RETRY_MS);
    if (stale && !backingOff) await (this.reading ??= this.read().finally(() => (this.reading = undefined)));
    return this.keys;
  }

  private async read(): Promise<void> {
    try {
      this.keys = await this.load();
      this.readAt = this.now();
    } catch (err) {
      this.failedAt = this.now();
      this.options.onError?.(err);
    }
  }
}
