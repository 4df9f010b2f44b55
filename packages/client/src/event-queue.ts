// The events waiting to be sent, oldest first, each serialized once when tracked (so its size is
// known and a retry sends the same bytes), and how the next batch is cut from the head.
import type { ClientEvent } from './event.ts';

export interface QueuedEvent {
  event: ClientEvent;
  json: string;
  /** UTF-8 bytes of `json`. */
  bytes: number;
  /** Order of track() calls; flush() waits by it. */
  seq: number;
}

export interface BatchPlan {
  count: number;
  /** Bytes of the batch's JSON array. */
  bytes: number;
  /** True when the batch cannot grow: it holds `maxEvents`, or the next event would pass `maxBytes`. */
  full: boolean;
}

const encoder = new TextEncoder();

export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/** Bytes of a JSON array holding events of these sizes: brackets and the commas between them. */
export function arrayBytes(eventBytes: number, count: number): number {
  return 2 + eventBytes + Math.max(0, count - 1);
}

export function batchBody(items: readonly QueuedEvent[]): string {
  return `[${items.map((item) => item.json).join(',')}]`;
}

export class EventQueue {
  private items: QueuedEvent[] = [];

  get length(): number {
    return this.items.length;
  }

  get headSeq(): number | undefined {
    return this.items[0]?.seq;
  }

  push(item: QueuedEvent): void {
    this.items.push(item);
  }

  dropOldest(): QueuedEvent | undefined {
    return this.items.shift();
  }

  /** The batch at the head: always at least one event when any is waiting. */
  planHead(maxEvents: number, maxBytes: number): BatchPlan {
    let count = 0;
    let eventBytes = 0;
    for (const item of this.items) {
      if (count === maxEvents) return { count, bytes: arrayBytes(eventBytes, count), full: true };
      if (count > 0 && arrayBytes(eventBytes + item.bytes, count + 1) > maxBytes) {
        return { count, bytes: arrayBytes(eventBytes, count), full: true };
      }
      count++;
      eventBytes += item.bytes;
    }
    return { count, bytes: arrayBytes(eventBytes, count), full: count === maxEvents };
  }

  /** Puts events taken from the head back where they were. */
  returnToHead(items: readonly QueuedEvent[]): void {
    this.items.unshift(...items);
  }

  take(count: number): QueuedEvent[] {
    return this.items.splice(0, count);
  }

  clear(): QueuedEvent[] {
    return this.items.splice(0);
  }
}
