// SQL quoting for the statements that cannot take bind parameters (identifiers, ALTER ROLE ... PASSWORD).

function rejectNul(value: string, what: string): void {
  // PostgreSQL cannot store NUL in text; refusing it here keeps a truncated name or password from ever reaching the server.
  if (value.includes("\0")) throw new Error(`${what} must not contain a NUL character`);
}

/** Like PostgreSQL's quote_ident, but always quotes, so case and reserved words never change the meaning. */
export function quoteIdent(name: string): string {
  rejectNul(name, "an identifier");
  if (name.length === 0) throw new Error("an identifier must not be empty");
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Like PostgreSQL's quote_literal: doubles quotes, and when a backslash is present uses the E'' form with
 * doubled backslashes, so the literal means the same whatever standard_conforming_strings is set to.
 * The message of the error it may throw never contains the value.
 */
export function quoteLiteral(value: string): string {
  rejectNul(value, "a literal");
  const quoted = value.replace(/'/g, "''");
  return value.includes("\\") ? `E'${quoted.replace(/\\/g, "\\\\")}'` : `'${quoted}'`;
}
