// How db-ops talks to PostgreSQL: the small client interface the operations use, and the one place TLS is configured.
import type { ConnectionOptions } from "node:tls";
import { Client } from "pg";
import rdsCaBundle from "../../certificates/rds-global-bundle.pem";
import type { Side } from "./config";

/** Who logs in where. The password never leaves this object except towards the server. */
export interface DbCredentials {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
}

export interface QueryResult {
  readonly rows: Record<string, unknown>[];
  /** Rows touched by INSERT/UPDATE/DELETE; null for other statements. */
  readonly rowCount: number | null;
}

/** What the operations need from a connection; tests inject a fake that records statements. */
export interface SqlClient {
  query(text: string, values?: readonly unknown[]): Promise<QueryResult>;
  end(): Promise<void>;
}

export type Connect = (side: Side, credentials: DbCredentials) => Promise<SqlClient>;

/** libpq's name for what {@link TLS_OPTIONS} checks; the DMS endpoints use the same mode. */
export const SERVER_VERIFICATION = "verify-full";

/**
 * TLS for every connection, in this one place, as libpq's `sslmode=verify-full`: the server's certificate must
 * chain to the RDS CA bundle (vendored in certificates/, carried in the function's code) and name the host
 * connected to. pg passes the host as `servername`, and Node's default checkServerIdentity compares it with the
 * certificate. The host is the cluster endpoint, which the DMS VPC's private hosted zone answers with the
 * interface endpoint, so the packets take the PrivateLink path while the name stays the certificate's.
 */
export const TLS_OPTIONS: ConnectionOptions = { ca: rdsCaBundle, rejectUnauthorized: true };

const CONNECT_TIMEOUT_MS = 10_000;

export const defaultConnect: Connect = async (_side, credentials) => {
  const client = new Client({
    host: credentials.host,
    port: credentials.port,
    database: credentials.database,
    user: credentials.user,
    password: credentials.password,
    ssl: TLS_OPTIONS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: "db-ops",
  });
  // An idle connection that drops would otherwise emit an unhandled 'error' and crash the runtime.
  client.on("error", () => undefined);
  await client.connect();
  return {
    query: async (text, values) => {
      const result = await client.query(text, values ? [...values] : undefined);
      return { rows: result.rows as Record<string, unknown>[], rowCount: result.rowCount };
    },
    end: () => client.end(),
  };
};

/** Runs `work` on a fresh connection and always closes it. */
export async function withConnection<T>(
  connect: Connect,
  side: Side,
  credentials: DbCredentials,
  work: (client: SqlClient) => Promise<T>,
): Promise<T> {
  const client = await connect(side, credentials);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `work` inside BEGIN/COMMIT, rolling back when it throws. */
export async function inTransaction<T>(client: SqlClient, work: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    const result = await work();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
