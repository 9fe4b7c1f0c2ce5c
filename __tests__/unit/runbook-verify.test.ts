// `lab verify`'s decisions: which tables a task selects, and what two sides' digests say.
import { describe, expect, it } from "vitest";
import { compareDigests, differingKeys, selectedTables, wildcard, type TableDigest } from "../../lab/runbook/verify";

const digest = (fields: Partial<TableDigest>): TableDigest => ({
  exists: true,
  columns: ["id bigint", "name text"],
  key: { name: "id", type: "bigint" },
  rows: 0,
  chunks: [],
  ...fields,
});

describe("selectedTables", () => {
  it("takes the include and explicit rules' tables, DMS wildcards included, minus the excluded ones", () => {
    expect(wildcard("demo%").test("demo_schema")).toBe(true);
    expect(wildcard("a_c").test("abc")).toBe(true);
    expect(wildcard("[ab]x").test("bx")).toBe(true);
    expect(wildcard("a.c").test("abc")).toBe(false);
    const tables = ["demo_schema.demo_accounts", "demo_schema.demo_orders", "other.t", "demo_schema.audit_log"];
    expect(
      selectedTables(
        [
          { type: "selection", action: "include", schema: "demo_schema", table: "%" },
          { type: "selection", action: "exclude", schema: "demo_schema", table: "audit%" },
          { type: "selection", action: "explicit", schema: "other", table: "t" },
        ],
        tables,
      ),
    ).toEqual(["demo_schema.demo_accounts", "demo_schema.demo_orders", "other.t"]);
  });
});

describe("compareDigests", () => {
  const chunks = [
    { upper: "100", rows: 100, digest: "a" },
    { upper: "200", rows: 100, digest: "b" },
  ];

  it("finds two identical sides identical", () => {
    expect(compareDigests("s.t", digest({ rows: 200, chunks }), digest({ rows: 200, chunks, beyond: 0 }))).toMatchObject({
      match: true,
      problems: [],
    });
  });

  it("names the key ranges whose digests differ, and rows above the source's last key", () => {
    const verdict = compareDigests(
      "s.t",
      digest({ rows: 200, chunks }),
      digest({ rows: 201, chunks: [chunks[0], { upper: "200", rows: 100, digest: "x" }], beyond: 1 }),
    );
    expect(verdict.match).toBe(false);
    expect(verdict.ranges).toEqual([
      { lower: "100", upper: "200" },
      { lower: "200", upper: undefined },
    ]);
    expect(verdict.problems).toEqual(["2 of 3 key ranges differ", "row counts differ: source 200, target 201"]);
  });

  it("reports a missing table, other columns, and a table without a key as a whole", () => {
    expect(compareDigests("s.t", digest({}), { ...digest({}), exists: false }).problems).toEqual(["missing on the target"]);
    expect(compareDigests("s.t", digest({}), digest({ columns: ["id bigint", "name varchar(20)"] })).problems[0]).toMatch(
      /^columns differ/,
    );
    const keyless = { key: undefined, rows: 3 };
    expect(compareDigests("s.t", digest({ ...keyless, digest: "a" }), digest({ ...keyless, digest: "b" })).problems).toEqual([
      "content differs (no single-column primary key to narrow it down by)",
    ]);
  });
});

describe("differingKeys", () => {
  it("names the keys missing on the target, extra on it, and changed", () => {
    expect(
      differingKeys(
        [
          { key: "1", hash: "a" },
          { key: "2", hash: "b" },
          { key: "3", hash: "c" },
        ],
        [
          { key: "1", hash: "a" },
          { key: "3", hash: "x" },
          { key: "4", hash: "d" },
        ],
      ),
    ).toEqual({ missing: ["2"], extra: ["4"], changed: ["3"] });
  });
});
