// @weir/secrets: keys derived from WEIR_SECRET_KEY, encryption at rest, and masking.
export { deriveKey, type KeyPurpose } from './derive-key.ts';
export { isSensitiveName, MASK, MIN_MASKED_LENGTH, SecretMasker } from './masker.ts';
export { SecretBox, SecretError, type SecretErrorCode } from './secret-box.ts';
