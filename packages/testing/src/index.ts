export { freePort } from './free-port.ts';
export { launchChromium } from './chromium.ts';
export { type HttpRecorderHandle, type RecordedRequest, startHttpRecorder } from './http-recorder.ts';
export { createEmptyDatabase, createTestDatabase, type TestDatabase } from './postgres.ts';
export { createTestRedis, type TestRedis } from './redis.ts';
export {
  type PrivateRedisOptions,
  type RedisServerHandle,
  startPrivateRedis,
  startRedisServer,
} from './redis-server.ts';
export { type S3ServerHandle, startS3Server } from './s3-server.ts';
export { testPostgresAdminUrl, testRedisUrl, withDatabase } from './services.ts';
export { type ReceivedMail, type SmtpServerHandle, startSmtpServer } from './smtp-server.ts';
export {
  runWeir,
  startWeir,
  stopWeir,
  TEST_SECRET_KEY,
  type WeirProcess,
  type WeirResult,
} from './weir-process.ts';
