// The lake's public surface (re-exported by the package index).
export { folderLakeStore } from './file-store.ts';
export {
  CURATED_PREFIX,
  DEAD_LETTER_PREFIX,
  hourInKey,
  hourOf,
  hourPath,
  PROFILES_PREFIX,
  RAW_EVENTS_PREFIX,
  successKey,
} from './layout.ts';
export { type LakeConfig, openLakeStore } from './open-store.ts';
export {
  listProfileSnapshots,
  parseProfiles,
  type UserProfile,
  userProfileSchema,
  writeProfileSnapshot,
} from './profiles.ts';
export {
  type DeadLetter,
  groupByHour,
  isHourClosed,
  listDeadLetterParts,
  listRawParts,
  markHourClosed,
  readDeadLetterPart,
  readRawPart,
  writeDeadLetterPart,
  writeRawPart,
} from './raw.ts';
export { type S3LakeSettings, s3LakeStore } from './s3-store.ts';
export { LakeError, type LakeErrorCode, type LakeStore } from './store.ts';
