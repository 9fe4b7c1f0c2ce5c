import { describe, expect, it } from "vitest";
import type { QueryResult, SqlClient } from "../../functions/db-ops/connect";
import { FREEZE_TRIGGER, freezeWrites, moveSequences, planSequences, unfreezeWrites, writeSentinel } from "../../functions/db-ops/cutover";
import { lsnValue } from "../../functions/db-ops/lsn";

/** A client that records statements and answers the catalogue queries from `tables`. */
function recordingClient(answers: { tables?: string[][]; frozen?: string[][]; failOn?: RegExp } = {}) {
  const statements: Array<{ text: string; values?: readonly unknown[] }> = [];
  const client: SqlClient = {
    async query(text, values): Promise<QueryResult> {
      statements.push({ text, ...(values ? { values } : {}) });
      if (answers.failOn?.test(text)) throw new Error("canceling statement due to lock timeout");
      const rows = (pairs: string[][]) => ({ rows: pairs.map(([schema, table]) => ({ schema, table })), rowCount: pairs.length });
      if (text.includes("FROM pg_catalog.pg_trigger")) return rows(answers.frozen ?? []);
      if (text.includes("FROM pg_catalog.pg_class")) return rows(answers.tables ?? []);
      if (text.includes("pg_current_wal_lsn")) return { rows: [{ lsn: "0/3000148" }], rowCount: 1 };
      if (text.includes("RETURNING written_at")) return { rows: [{ written_at: "2026-11-22 03:00:00+00" }], rowCount: 1 };
      return { rows: [], rowCount: null };
    },
    end: async () => undefined,
  };
  return { client, statements, texts: () => statements.map((s) => s.text) };
}

describe("freezing writes on the source", () => {
  it("puts a statement trigger on every table of the schemas, in one transaction with a lock timeout", async () => {
    const { client, texts, statements } = recordingClient({
      tables: [
        ["demo_schema", "demo_accounts"],
        ["Sales", 'odd"name'],
      ],
    });

    const frozen = await freezeWrites(client, ["demo_schema", "Sales"]);

    expect(frozen).toEqual([
      { schema: "demo_schema", table: "demo_accounts" },
      { schema: "Sales", table: 'odd"name' },
    ]);
    const sql = texts();
    expect(sql[0]).toBe("BEGIN");
    expect(sql[1]).toBe("SET LOCAL lock_timeout = '10s'");
    expect(sql.at(-1)).toBe("COMMIT");
    expect(statements.find((s) => s.text.includes("FROM pg_catalog.pg_class"))?.values).toEqual([["demo_schema", "Sales"]]);
    const triggers = sql.filter((s) => s.startsWith("CREATE OR REPLACE TRIGGER"));
    expect(triggers).toEqual([
      `CREATE OR REPLACE TRIGGER ${FREEZE_TRIGGER} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "demo_schema"."demo_accounts" FOR EACH STATEMENT EXECUTE FUNCTION lab_cutover.refuse_writes()`,
      `CREATE OR REPLACE TRIGGER ${FREEZE_TRIGGER} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Sales"."odd""name" FOR EACH STATEMENT EXECUTE FUNCTION lab_cutover.refuse_writes()`,
    ]);
    // The function the triggers run exists before them, and raises rather than skipping the write.
    const fn = sql.findIndex((s) => s.startsWith("CREATE OR REPLACE FUNCTION lab_cutover.refuse_writes()"));
    expect(fn).toBeGreaterThan(0);
    expect(fn).toBeLessThan(sql.indexOf(triggers[0]));
    expect(sql[fn]).toMatch(/RAISE EXCEPTION/);
  });

  it("rolls everything back when a writer holds its lock past the timeout: no table is left half frozen", async () => {
    const { client, texts } = recordingClient({
      tables: [
        ["demo_schema", "a"],
        ["demo_schema", "b"],
      ],
      failOn: /ON "demo_schema"\."b"/,
    });

    await expect(freezeWrites(client, ["demo_schema"])).rejects.toThrow(/lock timeout/);
    expect(texts().at(-1)).toBe("ROLLBACK");
    expect(texts()).not.toContain("COMMIT");
  });

  it("unfreezes exactly the tables that carry the trigger", async () => {
    const { client, texts } = recordingClient({ frozen: [["demo_schema", "demo_accounts"]] });

    expect(await unfreezeWrites(client)).toEqual([{ schema: "demo_schema", table: "demo_accounts" }]);
    expect(texts().filter((s) => s.startsWith("DROP TRIGGER"))).toEqual([
      `DROP TRIGGER IF EXISTS ${FREEZE_TRIGGER} ON "demo_schema"."demo_accounts"`,
    ]);
  });
});

describe("the drain sentinel", () => {
  it("returns the WAL position read before the sentinel row is written", async () => {
    const { client, texts } = recordingClient();

    expect(await writeSentinel(client)).toEqual({ lsn: "0/3000148", writtenAt: "2026-11-22 03:00:00+00" });
    const sql = texts();
    expect(sql.findIndex((s) => s.includes("pg_current_wal_lsn"))).toBeLessThan(sql.findIndex((s) => s.includes("sentinel")));
  });

  it("compares LSNs as 64-bit positions, not as text", () => {
    expect(lsnValue("1/0") > lsnValue("0/FFFFFFFF")).toBe(true);
    expect(lsnValue("0/A") > lsnValue("0/9")).toBe(true);
    expect(lsnValue("16/B374D848")).toBe(0x16b374d848n);
    expect(() => lsnValue("")).toThrow(/not a PostgreSQL LSN/);
  });
});

describe("target sequences", () => {
  it("moves a sequence behind the source's, leaves one already past, and names one the target lacks", () => {
    const plan = planSequences(
      [
        { sequence: "demo_schema.behind", lastValue: "1000" },
        { sequence: "demo_schema.never_used_on_target", lastValue: "7" },
        { sequence: "demo_schema.ahead", lastValue: "50" },
        { sequence: "demo_schema.unused", lastValue: null },
        { sequence: "demo_schema.source_only", lastValue: "3" },
      ],
      [
        { sequence: "demo_schema.behind", lastValue: "999" },
        { sequence: "demo_schema.never_used_on_target", lastValue: null },
        { sequence: "demo_schema.ahead", lastValue: "9000000000000000000" },
        { sequence: "demo_schema.unused", lastValue: "1" },
      ],
    );

    expect(plan).toEqual({
      move: [
        { sequence: "demo_schema.behind", from: "999", to: "1000" },
        { sequence: "demo_schema.never_used_on_target", from: null, to: "7" },
      ],
      alreadyPast: ["demo_schema.ahead", "demo_schema.unused"],
      missing: ["demo_schema.source_only"],
    });
  });

  it("sets each moved sequence with setval(..., true) in one transaction", async () => {
    const { client, statements } = recordingClient();

    await moveSequences(client, { move: [{ sequence: "demo_schema.behind", from: "1", to: "1000" }], alreadyPast: [], missing: [] });

    expect(statements).toEqual([
      { text: "BEGIN" },
      { text: "SELECT setval($1::regclass, $2::bigint, true)", values: ["demo_schema.behind", "1000"] },
      { text: "COMMIT" },
    ]);
  });
});
