// The event bus, shaped like a Kafka topic: a fixed number of partitions, each an append-only
// log of entries with ordered ids; consumer groups read each partition at their own position and
// acknowledge what they made durable; a dead consumer's unacknowledged entries can be reclaimed.
// Redis Streams is the first backend; NATS JetStream (the operations issue) fits behind the same
// interface, so the collector, the pipeline DAGs and the stream processor never see Redis.

/** An entry's position in its partition; ids compare in log order (`compareEntryIds`). */
export type EntryId = string;

/** The `partition` of entries read from the dead-letter log. */
export const DEAD_LETTER_PARTITION = -1;

/** One entry as read back: its partition (DEAD_LETTER_PARTITION for dead letters), id and the
 *  payload that was appended (a JSON string). */
export interface BusEntry {
  partition: number;
  id: EntryId;
  payload: string;
}

export interface ReadOptions {
  /** The consumer group (created at the start of the log if it does not exist). */
  group: string;
  /** This reader's name inside the group (a worker host:pid, a try id …). */
  consumer: string;
  /** Partitions to read; default all. */
  partitions?: readonly number[];
  /** Most entries to return in all. */
  count: number;
  /** Wait up to this long for new entries when none are ready (0: do not wait). With `count`
   *  below the number of partitions, one wait watches `count` of them, in turn. */
  blockMs?: number;
}

export interface ReclaimOptions {
  group: string;
  consumer: string;
  /** Entries delivered to another consumer and not acknowledged for at least this long. */
  minIdleMs: number;
  partitions?: readonly number[];
  count: number;
}

export interface PartitionLag {
  partition: number;
  /** Entries appended and not yet delivered to the group (null when the backend cannot tell). */
  lag: number | null;
  /** Entries delivered to the group and not yet acknowledged. */
  pending: number;
  /** Entries in the partition's log now. */
  length: number;
}

/** What the bus promises about accepted entries if its server restarts. */
export interface BusDurability {
  /** `fsync-always`: nothing acknowledged is lost; `fsync-everysec`: up to ~1 s may be lost on a
   *  crash; `os-buffered`: a server restart loses nothing, a machine crash may; `snapshot`: what
   *  came after the last snapshot is lost on a crash; `none`: everything not yet consumed is lost
   *  on a restart. */
  level: 'fsync-always' | 'fsync-everysec' | 'os-buffered' | 'snapshot' | 'none';
  /** One sentence for `npm start`, `weir health` and README. */
  description: string;
}

export interface EventBus {
  readonly partitions: number;
  /** The partition for a key (user_id): a stable hash, the same in every process. */
  partitionFor(key: string): number;
  /** Appends payloads to one partition; resolves only once the server has stored them. */
  append(partition: number, payloads: readonly string[]): Promise<EntryId[]>;
  /** Appends to the dead-letter log (one partition). */
  appendDeadLetters(payloads: readonly string[]): Promise<EntryId[]>;
  /** Entries never delivered to the group before, each partition in log order; an entry read and
   *  not acknowledged comes back only through `reclaim` (also to the consumer that read it). */
  read(options: ReadOptions): Promise<BusEntry[]>;
  readDeadLetters(options: Omit<ReadOptions, 'partitions'>): Promise<BusEntry[]>;
  ack(group: string, entries: readonly Pick<BusEntry, 'partition' | 'id'>[]): Promise<void>;
  ackDeadLetters(group: string, ids: readonly EntryId[]): Promise<void>;
  /** Takes over entries a dead consumer read and never acknowledged. */
  reclaim(options: ReclaimOptions): Promise<BusEntry[]>;
  reclaimDeadLetters(options: Omit<ReclaimOptions, 'partitions'>): Promise<BusEntry[]>;
  lag(group: string): Promise<PartitionLag[]>;
  /** Drops entries every consumer group has acknowledged, never one some group still needs; a
   *  log no group reads is left as it is. Covers the dead-letter log too. */
  trim(): Promise<{ removed: number }>;
  durability(): Promise<BusDurability>;
  /** Whether the server is over its memory budget (the collector answers 429 then). */
  overMemoryBudget(): Promise<boolean>;
  close(): Promise<void>;
}
