export type { Redis as RedisConnection } from 'ioredis';
export { createRedis } from './connection.ts';
export { evictionWarning, pingRedis, type RedisPingResult, redisAddress } from './ping.ts';
export {
  ALERT_QUEUE,
  type AlertDeliveryJobData,
  CALLBACK_QUEUE,
  type RunCallbackJobData,
  startTaskWorker,
  type TaskJob,
  type TaskJobData,
  TaskQueue,
  type TaskQueueOptions,
  type TaskWorkerHandle,
  type TaskWorkerOptions,
  taskJobId,
} from './task-queue.ts';
export { compareEntryIds } from './event-bus/entry-ids.ts';
export { EventBusError, type EventBusErrorCode } from './event-bus/errors.ts';
export { fnv1a32, streamKeys } from './event-bus/partitioning.ts';
export {
  createRedisStreamsBus,
  DEFAULT_EVENT_KEY_PREFIX,
  DEFAULT_EVENT_PARTITIONS,
  type RedisStreamsBusOptions,
} from './event-bus/redis-streams.ts';
export {
  type BusDurability,
  type BusEntry,
  DEAD_LETTER_PARTITION,
  type EntryId,
  type EventBus,
  type PartitionLag,
  type ReadOptions,
  type ReclaimOptions,
} from './event-bus/types.ts';
