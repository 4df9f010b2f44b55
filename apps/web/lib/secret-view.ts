// Owns what the web shows of secrets: a variable whose key names a secret (secret, password,
// token, key …, the rule the log masker uses) is write-only once saved, for every role, admins
// too; so is a connection's password and extra. The API returns '***' in their place and the
// pages say "set"; nothing here ever hands a secret to a page or a response.
import type { StoredVariable } from '@weir/engine';
import { isSensitiveName, MASK } from '@weir/secrets';

export function isSecretVariable(key: string): boolean {
  return isSensitiveName(key);
}

/** The variable as the API and the pages may show it. */
export function shownVariable(v: StoredVariable): StoredVariable {
  return isSecretVariable(v.key) ? { ...v, value: MASK } : v;
}
