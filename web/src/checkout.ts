/**
 * Idempotency keys for checkout attempts.
 *
 * POST /api/orders needs an Idempotency-Key. The rule the page follows:
 * - A retry of the same attempt reuses the key: after a network error, a timeout or an
 *   answer that means "not decided yet" (409 idempotency_in_progress, 503, other 5xx),
 *   the first request may have placed the order, and the same key makes the server
 *   replay that order instead of placing a second one.
 * - After a definitive answer (the order, or a 4xx such as insufficient_stock) the attempt
 *   is over; the next submit is a new attempt with a new key.
 * - A different request (another e-mail, another confirmed total, a changed cart) is a new
 *   attempt too: the server would refuse an old key with a different request (422).
 * - Each attempt sends the total the shopper confirmed (`expectedTotalCents`), so a cart
 *   changed meanwhile (another tab, a new price) is refused with 409 cart_changed instead
 *   of being charged.
 *
 * The pending attempt is kept in sessionStorage, so reloading the page after a network
 * error still retries with the same key.
 */
import { ApiError, NetworkError, type Order } from "./api";

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

interface PendingAttempt {
  key: string;
  email: string;
  expectedTotalCents: number;
}

const STORAGE_KEY = "shop.checkout.pendingAttempt";

/**
 * True when the server's answer (or lack of one) settles the attempt, so a new submit
 * must use a new key. False when the outcome is unknown and the same key must be reused.
 */
export function isDefinitiveFailure(error: unknown): boolean {
  if (error instanceof NetworkError) return false;
  if (error instanceof ApiError) {
    if (error.status >= 500) return false; // 503 unavailable and friends: nothing decided
    if (error.code === "idempotency_in_progress") return false; // the first request is still running
    return true;
  }
  return false; // unknown failure: keep the key, a retry is always safe with it
}

/**
 * A random UUID v4 for an Idempotency-Key. crypto.randomUUID exists only in secure
 * contexts (HTTPS, localhost); over plain HTTP elsewhere, build one from getRandomValues.
 */
export function newIdempotencyKey(source: Pick<Crypto, "getRandomValues"> & { randomUUID?: () => string } = crypto): string {
  if (typeof source.randomUUID === "function") return source.randomUUID();
  const bytes = source.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class CheckoutAttempts {
  private pending: PendingAttempt | null;

  constructor(
    private readonly placeOrder: (email: string, idempotencyKey: string, expectedTotalCents: number) => Promise<Order>,
    private readonly newKey: () => string = () => newIdempotencyKey(),
    private readonly storage: KeyValueStore | null = null,
  ) {
    this.pending = this.load();
  }

  /** The key the next submit of `email` will use, if an attempt is pending. */
  pendingKeyFor(email: string): string | null {
    return this.pending && this.pending.email === email ? this.pending.key : null;
  }

  /** The e-mail of the attempt awaiting a retry, to prefill the form after a reload. */
  get pendingEmail(): string | null {
    return this.pending?.email ?? null;
  }

  /** True when the last attempt ended without a definitive answer (the UI offers "Try again"). */
  get hasPendingAttempt(): boolean {
    return this.pending !== null;
  }

  /** Places the order for the total the shopper saw; reuses the pending key for a retry of the same request. */
  async submit(email: string, expectedTotalCents: number): Promise<Order> {
    if (!this.pending || this.pending.email !== email || this.pending.expectedTotalCents !== expectedTotalCents) {
      this.save({ key: this.newKey(), email, expectedTotalCents });
    }
    const { key } = this.pending!;
    try {
      const order = await this.placeOrder(email, key, expectedTotalCents);
      this.save(null);
      return order;
    } catch (error) {
      if (isDefinitiveFailure(error)) this.save(null);
      throw error;
    }
  }

  /** The request changed (the cart was edited): the next submit is a new attempt. */
  forget(): void {
    this.save(null);
  }

  private save(attempt: PendingAttempt | null): void {
    this.pending = attempt;
    try {
      if (attempt) this.storage?.setItem(STORAGE_KEY, JSON.stringify(attempt));
      else this.storage?.removeItem(STORAGE_KEY);
    } catch {
      // Storage full or blocked: the in-memory attempt still protects retries on this page.
    }
  }

  private load(): PendingAttempt | null {
    try {
      const raw = this.storage?.getItem(STORAGE_KEY);
      if (!raw) return null;
      const parsed = JSON.parse(raw) as Partial<PendingAttempt>;
      return typeof parsed.key === "string" && typeof parsed.email === "string" && Number.isSafeInteger(parsed.expectedTotalCents)
        ? { key: parsed.key, email: parsed.email, expectedTotalCents: parsed.expectedTotalCents! }
        : null;
    } catch {
      return null;
    }
  }
}
