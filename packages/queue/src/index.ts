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
export type {
  BusDurability,
  BusEntry,
  EntryId,
  EventBus,
  PartitionLag,
  ReadOptions,
  ReclaimOptions,
} from './event-bus/types.ts';
