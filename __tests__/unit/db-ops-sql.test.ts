// Unit tests for db-ops' pure parts: SQL quoting, the DMS users' grants and the seed statements.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { scramSha256Verifier } from "../../functions/db-ops/scram";
import { quoteIdent, quoteLiteral } from "../../functions/db-ops/quote";
import { userStatements, type DatabaseFacts, type UserSettings } from "../../functions/db-ops/grants";
import { FILL_ORDERS_SQL, MAX_ORDER_ROWS, SEED_SCHEMA_STATEMENTS, orderRows } from "../../functions/db-ops/seed";

const facts = (over: Partial<DatabaseFacts> = {}): DatabaseFacts => ({
  roleExists: false,
  hasRdsReplication: true,
  existingSchemas: ["demo_schema"],
  isSuperuser: false,
  serverVersionNum: 160004,
  ...over,
});
const settings = (over: Partial<UserSettings> = {}): UserSettings => ({
  side: "source",
  user: "dms_source",
  database: "demo_db",
  migratedSchemas: ["demo_schema"],
  heartbeatSchema: "dms_heartbeat",
  ...over,
});

describe("db-ops quoting", () => {
  it("always double-quotes identifiers and doubles embedded quotes", () => {
    expect(quoteIdent("dms_source")).toBe('"dms_source"');
    expect(quoteIdent('Odd "Name"; DROP')).toBe('"Odd ""Name""; DROP"');
  });

  it("quotes literals like quote_literal: doubled quotes, E'' with doubled backslashes", () => {
    expect(quoteLiteral("plain")).toBe("'plain'");
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(quoteLiteral("a\\b'c")).toBe("E'a\\\\b''c'");
  });

  it("refuses NUL without quoting the value in the message", () => {
    const secret = "Secret\0Value";
    expect(() => quoteLiteral(secret)).toThrow("a literal must not contain a NUL character");
    expect(() => quoteIdent("")).toThrow(/must not be empty/);
  });
});

describe("db-ops users and grants", () => {
  it("gives the source user rds_replication, SELECT on each existing migrated schema and its own heartbeat schema", () => {
    expect(userStatements(settings(), facts())).toEqual([
      'CREATE ROLE "dms_source" LOGIN',
      'GRANT "dms_source" TO CURRENT_USER WITH INHERIT TRUE, SET TRUE',
      'GRANT rds_replication TO "dms_source"',
      'GRANT CONNECT ON DATABASE "demo_db" TO "dms_source"',
      'GRANT USAGE ON SCHEMA "demo_schema" TO "dms_source"',
      'GRANT SELECT ON ALL TABLES IN SCHEMA "demo_schema" TO "dms_source"',
      'ALTER DEFAULT PRIVILEGES IN SCHEMA "demo_schema" GRANT SELECT ON TABLES TO "dms_source"',
      'CREATE SCHEMA IF NOT EXISTS "dms_heartbeat" AUTHORIZATION "dms_source"',
      'ALTER SCHEMA "dms_heartbeat" OWNER TO "dms_source"',
    ]);
  });

  it("grants the master only what taking over ownership needs: SET from PostgreSQL 16, membership before, nothing to a superuser", () => {
    const selfGrants = (over: Partial<DatabaseFacts>) =>
      userStatements(settings(), facts(over)).filter((s) => s.includes("TO CURRENT_USER"));

    expect(selfGrants({ serverVersionNum: 160004 })).toEqual(['GRANT "dms_source" TO CURRENT_USER WITH INHERIT TRUE, SET TRUE']);
    expect(selfGrants({ serverVersionNum: 150018 })).toEqual(['GRANT "dms_source" TO CURRENT_USER']);
    expect(selfGrants({ isSuperuser: true })).toEqual([]);
  });

  it("falls back to the REPLICATION attribute where there is no rds_replication role (plain PostgreSQL)", () => {
    const statements = userStatements(settings(), facts({ hasRdsReplication: false }));

    expect(statements).toContain('ALTER ROLE "dms_source" REPLICATION');
    expect(statements.join("\n")).not.toContain("rds_replication");
  });

  it("never grants rds_superuser", () => {
    for (const side of ["source", "target"] as const) {
      expect(userStatements(settings({ side }), facts()).join("\n")).not.toMatch(/rds_superuser|SUPERUSER/);
    }
  });

  it("skips migrated schemas that do not exist yet and makes sure of an existing role's LOGIN", () => {
    const statements = userStatements(settings({ migratedSchemas: ["demo_schema", "later"] }), facts({ roleExists: true }));

    expect(statements[0]).toBe('ALTER ROLE "dms_source" LOGIN');
    expect(statements.join("\n")).not.toContain('"later"');
    expect(statements).toContain('GRANT USAGE ON SCHEMA "demo_schema" TO "dms_source"');
  });

  it("gives the target user CONNECT and CREATE on the database and ownership of each existing migrated schema", () => {
    expect(userStatements(settings({ side: "target", user: "dms_target" }), facts())).toEqual([
      'CREATE ROLE "dms_target" LOGIN',
      'GRANT "dms_target" TO CURRENT_USER WITH INHERIT TRUE, SET TRUE',
      'GRANT CONNECT, CREATE ON DATABASE "demo_db" TO "dms_target"',
      'GRANT USAGE, CREATE ON SCHEMA public TO "dms_target"',
      // Granted on the tables first: once the schema is the DMS user's, only INHERIT gives the master its USAGE.
      'GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA "demo_schema" TO "dms_target"',
      'ALTER SCHEMA "demo_schema" OWNER TO "dms_target"',
    ]);
  });

  it("touches no migrated schema on a target that lacks it (DMS creates it), only public for DMS's control tables", () => {
    const statements = userStatements(settings({ side: "target", user: "dms_target" }), facts({ existingSchemas: [] }));

    expect(statements.filter((s) => s.includes("SCHEMA"))).toEqual(['GRANT USAGE, CREATE ON SCHEMA public TO "dms_target"']);
    expect(statements).toContain('GRANT CONNECT, CREATE ON DATABASE "demo_db" TO "dms_target"');
  });

  it("quotes every identifier it is given", () => {
    const statements = userStatements(
      settings({ user: 'dms"user', database: "Demo DB", migratedSchemas: ["Mixed Case"], heartbeatSchema: "hb;x" }),
      facts({ existingSchemas: ["Mixed Case"] }),
    );

    expect(statements).toContain('GRANT CONNECT ON DATABASE "Demo DB" TO "dms""user"');
    expect(statements).toContain('GRANT SELECT ON ALL TABLES IN SCHEMA "Mixed Case" TO "dms""user"');
    expect(statements).toContain('CREATE SCHEMA IF NOT EXISTS "hb;x" AUTHORIZATION "dms""user"');
  });
});

describe("db-ops seed statements", () => {
  it("creates only what is missing and adds the four accounts without duplicating them", () => {
    expect(SEED_SCHEMA_STATEMENTS.filter((s) => /^CREATE /.test(s)).every((s) => s.includes("IF NOT EXISTS"))).toBe(true);
    const accounts = SEED_SCHEMA_STATEMENTS.find((s) => s.startsWith("INSERT INTO demo_schema.demo_accounts")) ?? "";
    expect(accounts).toMatch(/ON CONFLICT \(accountNumber\) DO NOTHING$/);
    for (const name of ["'John',  'Smith'", "'Mary',  'Doe'", "'Tom',   'Good'", "'Peter', 'Flynn'"]) expect(accounts).toContain(name);
  });

  it("fills demo_orders up to the requested count, continuing after the highest key", () => {
    expect(FILL_ORDERS_SQL).toContain("generate_series(");
    expect(FILL_ORDERS_SQL).toContain("(SELECT coalesce(max(order_id), 0) + 1 FROM demo_schema.demo_orders)");
    expect(FILL_ORDERS_SQL).toContain("$1::bigint");
    expect(FILL_ORDERS_SQL).toMatch(/ON CONFLICT \(order_id\) DO NOTHING$/);
  });

  it("gives demo_orders a bigint key and the promised column types", () => {
    const orders = SEED_SCHEMA_STATEMENTS.find((s) => s.includes("demo_schema.demo_orders")) ?? "";
    for (const type of ["BIGINT        NOT NULL PRIMARY KEY", "NUMERIC(12,2)", "TIMESTAMPTZ", "TEXT", "BOOLEAN", "JSONB", "BYTEA"]) {
      expect(orders).toContain(type);
    }
  });

  it("accepts 0 to 5,000,000 rows and defaults to 5,000", () => {
    expect(orderRows(undefined)).toBe(5000);
    expect(orderRows(MAX_ORDER_ROWS)).toBe(MAX_ORDER_ROWS);
    for (const bad of [-1, 1.5, MAX_ORDER_ROWS + 1, "10"])
      expect(() => orderRows(bad)).toThrow(/rows must be an integer from 0 to 5000000/);
  });
});

describe("scramSha256Verifier", () => {
  it("gives a ServerKey that signs RFC 7677's example exchange as the RFC does (password 'pencil')", () => {
    const verifier = scramSha256Verifier("pencil", Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64"), 4096);
    const [, header, keys] = verifier.split("$");
    expect(header).toBe("4096:W22ZaJ0SNY7soEsUEjb6gQ==");
    const serverKey = Buffer.from(keys.split(":")[1], "base64");
    const authMessage =
      "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096," +
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    // RFC 7677, section 3: v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=
    expect(createHmac("sha256", serverKey).update(authMessage).digest("base64")).toBe("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    // A fresh salt each time: two verifiers of one password differ.
    expect(scramSha256Verifier("pencil")).not.toBe(scramSha256Verifier("pencil"));
  });

  it("refuses what SASLprep could change (only printable ASCII is made here)", () => {
    expect(() => scramSha256Verifier("pass word")).toThrow(/printable ASCII/);
  });
});
