// What looks like a credential, by its key or by its content: the review renders none of it, marked sensitive or not.

/** Keys that name a credential: `password`, `master_password`, `secret_string`, `auth_token`, `private_key`, `DB_PASSWORD`, ... */
const CREDENTIAL_KEY = /(passw(or)?d|passphrase|pwd|secret|token|private[_-]?key|credential|api[_-]?key|access[_-]?key)/i;

/**
 * Keys that contain such a word but name a reference or a setting, not the credential itself
 * (`secrets_manager_secret_id`, `kms_key_id`, `manage_master_user_password`'s boolean is caught
 * by type instead): an ARN, id, name or version says where a secret is, not what it is.
 */
const REFERENCE_KEY = /(_|^)(arn|arns|id|ids|name|names|version|versions|length|type|recovery_window_in_days|rotation_enabled)$/i;

/** Values that are a credential whatever their key. */
const CREDENTIAL_CONTENT: readonly RegExp[] = [
  // user:password@ in a URL (postgresql://app:pw@host/db, https://u:p@host)
  /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  // AWS access key ids
  /\b(AKIA|ASIA)[0-9A-Z]{16}\b/,
  // password=..., "password": "...", secret: ... inside a larger text (a connection string, a JSON secret).
  // Not after ":" or a letter, so an ARN's `:secret:` segment and `GetSecretValue` are no credential.
  /(?<![:A-Za-z0-9])(pass(word|wd)?|pwd|secret|token|api[_-]?key)"?\s*[:=]\s*"?[^\s",}]/i,
];

export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_KEY.test(key) && !REFERENCE_KEY.test(key);
}

export function looksLikeCredential(text: string): boolean {
  return CREDENTIAL_CONTENT.some((pattern) => pattern.test(text));
}
