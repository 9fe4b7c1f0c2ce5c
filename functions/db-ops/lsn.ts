// PostgreSQL WAL positions, compared as numbers (no database access: the runbook uses it on the operator's machine).

/** A PostgreSQL LSN (`16/B374D848`) as a number that compares. */
export function lsnValue(lsn: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (!match) throw new Error(`not a PostgreSQL LSN: ${JSON.stringify(lsn)}`);
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}
