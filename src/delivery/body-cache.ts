// Encoded bodies by event and content type. Rule: hooks with the same content type receive the same
// bytes, so an event's body is encoded once and kept for the claims that follow (a fan-out's deliveries
// are claimed over several batches); least recently used dropped first, bounded in bytes.
import type { ClaimedDelivery } from '../domain/deliveries.js';

export const bodyKey = (d: ClaimedDelivery) => `${d.eventId}:${d.hook.config.contentType}`;

export class BodyCache {
  private entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly limit: number) {}

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): Buffer | undefined {
    const body = this.entries.get(key);
    if (body) {
      this.entries.delete(key);
      this.entries.set(key, body);
    }
    return body;
  }

  set(key: string, body: Buffer): void {
    if (body.length > this.limit / 4 || this.entries.has(key)) return; // a huge payload is not worth evicting everything for
    this.entries.set(key, body);
    this.bytes += body.length;
    for (const [k, b] of this.entries) {
      if (this.bytes <= this.limit) break;
      this.entries.delete(k);
      this.bytes -= b.length;
    }
  }
}
