export { createRedis } from './connection.ts';
export { evictionWarning, pingRedis, redisAddress, type RedisPingResult } from './ping.ts';
