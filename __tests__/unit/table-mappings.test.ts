// Unit tests for DMS table mappings: the emitter against AWS's documented JSON, numbering, stability; every check of the schema.
import type { z } from "zod";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  tableMappingsDocument,
  tableMappingsJson,
  type DmsDataTypeName,
  type DmsTableMappings,
  type DmsTransformationRule,
  type FilterOperator,
  type SelectionAction,
  type SelectionRule,
  type TableMappingRule,
  type TableType,
  type TransformationAction,
  type TransformationRule,
  type TransformationTarget,
} from "../../constructs/dms/mapping/table-mappings";
import { formatFieldPath } from "../../variables/load";
import {
  DMS_DATA_TYPES,
  FILTER_OPERATORS,
  SELECTION_ACTIONS,
  TABLE_TYPES,
  TRANSFORMATION_ACTIONS,
  TRANSFORMATION_TARGETS,
  tableMappingRuleSchema,
  tableMappingRulesSchema,
} from "../../variables/table-mapping-schema";
import { defined } from "../helpers/synth";

// The expected documents below are copied from the AWS DMS User Guide examples. JSON.stringify of the
// literal is compared with the emitted JSON, so key order must match the docs as well as the content.
function expectDocumented(rules: readonly TableMappingRule[], documented: DmsTableMappings): void {
  expect(tableMappingsDocument(rules)).toEqual(documented);
  expect(tableMappingsJson(rules)).toBe(JSON.stringify(documented));
}

type SelectionSpec = Omit<SelectionRule, "type" | "action">;
const include = (spec: SelectionSpec): SelectionRule => ({ type: "selection", action: "include", ...spec });
const exclude = (spec: SelectionSpec): SelectionRule => ({ type: "selection", action: "exclude", ...spec });
const explicit = (spec: SelectionSpec): SelectionRule => ({ type: "selection", action: "explicit", ...spec });
const transform = (spec: Omit<TransformationRule, "type">): TransformationRule => ({ type: "transformation", ...spec });

const includeTest = { schema: "test", table: "%" } as const;
const documentedIncludeTest = {
  "rule-type": "selection",
  "rule-id": "1",
  "rule-name": "1",
  "object-locator": { "schema-name": "test", "table-name": "%" },
  "rule-action": "include",
} as const;

describe("selection rules (Selection rules and actions)", () => {
  it("emits the documented 'migrate some tables in a schema' example", () => {
    expectDocumented([include({ schema: "Test", table: "%" }), exclude({ schema: "Test", table: "DMS%" })], {
      rules: [
        {
          "rule-type": "selection",
          "rule-id": "1",
          "rule-name": "1",
          "object-locator": { "schema-name": "Test", "table-name": "%" },
          "rule-action": "include",
        },
        {
          "rule-type": "selection",
          "rule-id": "2",
          "rule-name": "2",
          "object-locator": { "schema-name": "Test", "table-name": "DMS%" },
          "rule-action": "exclude",
        },
      ],
    });
  });

  it("emits the documented explicit single-table example", () => {
    expectDocumented([explicit({ schema: "NewCust", table: "Customer" })], {
      rules: [
        {
          "rule-type": "selection",
          "rule-id": "1",
          "rule-name": "1",
          "object-locator": { "schema-name": "NewCust", "table-name": "Customer" },
          "rule-action": "explicit",
        },
      ],
    });
  });

  it("emits the documented load-order example (load-order as a string, like the docs)", () => {
    const rules = [
      include({ schema: "Test", table: "loadsecond", loadOrder: 1 }),
      include({ schema: "Test", table: "loadfirst", loadOrder: 2 }),
    ];
    expectDocumented(rules, {
      rules: [
        {
          "rule-type": "selection",
          "rule-id": "1",
          "rule-name": "1",
          "object-locator": { "schema-name": "Test", "table-name": "loadsecond" },
          "rule-action": "include",
          "load-order": "1",
        },
        {
          "rule-type": "selection",
          "rule-id": "2",
          "rule-name": "2",
          "object-locator": { "schema-name": "Test", "table-name": "loadfirst" },
          "rule-action": "include",
          "load-order": "2",
        },
      ],
    });
  });

  it("emits table-type as in the documented views example (rule numbered from 1 here)", () => {
    expectDocumented([include({ schema: "Test", table: "view_DMS%", tableType: "view" })], {
      rules: [
        {
          "rule-type": "selection",
          "rule-id": "1",
          "rule-name": "1",
          "object-locator": { "schema-name": "Test", "table-name": "view_DMS%", "table-type": "view" },
          "rule-action": "include",
        },
      ],
    });
  });
});

describe("source filters (Using source filters)", () => {
  const employee = { schema: "test", table: "employee" } as const;
  const selection = (filters: unknown[]) => ({
    rules: [
      {
        "rule-type": "selection",
        "rule-id": "1",
        "rule-name": "1",
        "object-locator": { "schema-name": "test", "table-name": "employee" },
        "rule-action": "include",
        filters,
      },
    ],
  });

  it("emits the documented single filter (gte), taking the value as a string or a number", () => {
    const documented = selection([
      { "filter-type": "source", "column-name": "empid", "filter-conditions": [{ "filter-operator": "gte", value: "100" }] },
    ]) as DmsTableMappings;
    expectDocumented(
      [include({ ...employee, filters: [{ column: "empid", conditions: [{ operator: "gte", value: "100" }] }] })],
      documented,
    );
    expectDocumented([include({ ...employee, filters: [{ column: "empid", conditions: [{ operator: "gte", value: 100 }] }] })], documented);
  });

  it("emits the documented multiple-operators example with between", () => {
    const rules = [
      include({
        ...employee,
        filters: [
          {
            column: "empid",
            conditions: [
              { operator: "lte", value: "10" },
              { operator: "between", startValue: "50", endValue: "75" },
              { operator: "gte", value: "100" },
            ],
          },
        ],
      }),
    ];
    expectDocumented(
      rules,
      selection([
        {
          "filter-type": "source",
          "column-name": "empid",
          "filter-conditions": [
            { "filter-operator": "lte", value: "10" },
            { "filter-operator": "between", "start-value": "50", "end-value": "75" },
            { "filter-operator": "gte", value: "100" },
          ],
        },
      ]) as DmsTableMappings,
    );
  });

  it("emits the documented multiple-filters (AND) example", () => {
    const rules = [
      include({
        ...employee,
        filters: [
          { column: "empid", conditions: [{ operator: "lte", value: "100" }] },
          { column: "dept", conditions: [{ operator: "eq", value: "tech" }] },
        ],
      }),
    ];
    expectDocumented(
      rules,
      selection([
        { "filter-type": "source", "column-name": "empid", "filter-conditions": [{ "filter-operator": "lte", value: "100" }] },
        { "filter-type": "source", "column-name": "dept", "filter-conditions": [{ "filter-operator": "eq", value: "tech" }] },
      ]) as DmsTableMappings,
    );
  });

  it("emits the documented null, notbetween, noteq/notnull and date examples", () => {
    expectDocumented(
      [include({ ...employee, filters: [{ column: "dept", conditions: [{ operator: "null" }] }] })],
      selection([
        { "filter-type": "source", "column-name": "dept", "filter-conditions": [{ "filter-operator": "null" }] },
      ]) as DmsTableMappings,
    );
    expectDocumented(
      [
        include({
          ...employee,
          filters: [{ column: "empid", conditions: [{ operator: "notbetween", startValue: "50", endValue: "75" }] }],
        }),
      ],
      selection([
        {
          "filter-type": "source",
          "column-name": "empid",
          "filter-conditions": [{ "filter-operator": "notbetween", "start-value": "50", "end-value": "75" }],
        },
      ]) as DmsTableMappings,
    );
    expectDocumented(
      [
        include({
          ...employee,
          filters: [
            { column: "empid", conditions: [{ operator: "noteq", value: "50" }] },
            { column: "dept", conditions: [{ operator: "notnull" }] },
          ],
        }),
      ],
      selection([
        { "filter-type": "source", "column-name": "empid", "filter-conditions": [{ "filter-operator": "noteq", value: "50" }] },
        { "filter-type": "source", "column-name": "dept", "filter-conditions": [{ "filter-operator": "notnull" }] },
      ]) as DmsTableMappings,
    );
    expectDocumented(
      [include({ ...employee, filters: [{ column: "empstartdate", conditions: [{ operator: "gte", value: "2002-01-01" }] }] })],
      selection([
        {
          "filter-type": "source",
          "column-name": "empstartdate",
          "filter-conditions": [{ "filter-operator": "gte", value: "2002-01-01" }],
        },
      ]) as DmsTableMappings,
    );
  });

  it("keeps ste, DMS's alias of lte, as written", () => {
    const rule = tableMappingsDocument([
      include({ ...employee, filters: [{ column: "empid", conditions: [{ operator: "ste", value: "10" }] }] }),
    ]).rules[0];
    expect(rule).toMatchObject({ filters: [{ "filter-conditions": [{ "filter-operator": "ste", value: "10" }] }] });
  });
});

describe("transformation rules (Transformation rules and actions)", () => {
  it("emits the documented rename-schema example", () => {
    expectDocumented(
      [include({ schema: "Test", table: "%" }), transform({ target: "schema", action: "rename", schema: "Test", value: "Test1" })],
      {
        rules: [
          {
            "rule-type": "selection",
            "rule-id": "1",
            "rule-name": "1",
            "object-locator": { "schema-name": "Test", "table-name": "%" },
            "rule-action": "include",
          },
          {
            "rule-type": "transformation",
            "rule-id": "2",
            "rule-name": "2",
            "rule-action": "rename",
            "rule-target": "schema",
            "object-locator": { "schema-name": "Test" },
            value: "Test1",
          },
        ],
      },
    );
  });

  it("emits the documented rename-table example", () => {
    expectDocumented(
      [
        include({ schema: "Test", table: "%" }),
        transform({ target: "table", action: "rename", schema: "Test", table: "Actor", value: "Actor1" }),
      ],
      {
        rules: [
          {
            "rule-type": "selection",
            "rule-id": "1",
            "rule-name": "1",
            "object-locator": { "schema-name": "Test", "table-name": "%" },
            "rule-action": "include",
          },
          {
            "rule-type": "transformation",
            "rule-id": "2",
            "rule-name": "2",
            "rule-action": "rename",
            "rule-target": "table",
            "object-locator": { "schema-name": "Test", "table-name": "Actor" },
            value: "Actor1",
          },
        ],
      },
    );
  });

  // One case per documented example; each follows the docs' include of schema "test". The docs number
  // the rename-column rule "4"; the emitter numbers by position, so it is "2" here.
  it.each<{ example: string; rule: Omit<TransformationRule, "type">; documented: Record<string, unknown> }>([
    {
      example: "rename a column",
      rule: { target: "column", action: "rename", schema: "test", table: "Actor", column: "first_name", value: "fname" },
      documented: {
        "rule-action": "rename",
        "rule-target": "column",
        "object-locator": { "schema-name": "test", "table-name": "Actor", "column-name": "first_name" },
        value: "fname",
      },
    },
    {
      example: "add a column",
      rule: {
        target: "column",
        action: "add-column",
        schema: "test",
        table: "actor",
        value: "last_updated",
        dataType: { type: "datetime", precision: 6 },
      },
      documented: {
        "rule-action": "add-column",
        "rule-target": "column",
        "object-locator": { "schema-name": "test", "table-name": "actor" },
        value: "last_updated",
        "data-type": { type: "datetime", precision: 6 },
      },
    },
    {
      example: "remove a column",
      rule: { target: "column", action: "remove-column", schema: "test", table: "Actor", column: "col%" },
      documented: {
        "rule-action": "remove-column",
        "rule-target": "column",
        "object-locator": { "schema-name": "test", "table-name": "Actor", "column-name": "col%" },
      },
    },
    {
      example: "convert to lowercase",
      rule: { target: "table", action: "convert-lowercase", schema: "test", table: "ACTOR" },
      documented: {
        "rule-action": "convert-lowercase",
        "rule-target": "table",
        "object-locator": { "schema-name": "test", "table-name": "ACTOR" },
      },
    },
    {
      example: "convert to uppercase",
      rule: { target: "column", action: "convert-uppercase", schema: "%", table: "%", column: "%" },
      documented: {
        "rule-action": "convert-uppercase",
        "rule-target": "column",
        "object-locator": { "schema-name": "%", "table-name": "%", "column-name": "%" },
      },
    },
    {
      example: "add a prefix",
      rule: { target: "table", action: "add-prefix", schema: "test", table: "%", value: "DMS_" },
      documented: {
        "rule-action": "add-prefix",
        "rule-target": "table",
        "object-locator": { "schema-name": "test", "table-name": "%" },
        value: "DMS_",
      },
    },
    {
      example: "replace a prefix",
      rule: { target: "column", action: "replace-prefix", schema: "%", table: "%", column: "%", value: "NewPre_", oldValue: "Pre_" },
      documented: {
        "rule-action": "replace-prefix",
        "rule-target": "column",
        "object-locator": { "schema-name": "%", "table-name": "%", "column-name": "%" },
        value: "NewPre_",
        "old-value": "Pre_",
      },
    },
    {
      example: "remove a suffix",
      rule: { target: "table", action: "remove-suffix", schema: "test", table: "%", value: "_DMS" },
      documented: {
        "rule-action": "remove-suffix",
        "rule-target": "table",
        "object-locator": { "schema-name": "test", "table-name": "%" },
        value: "_DMS",
      },
    },
  ])("emits the documented '$example' example", ({ rule, documented }) => {
    const rules = [include(includeTest), transform(rule)];
    const expected = {
      rules: [documentedIncludeTest, { "rule-type": "transformation", "rule-id": "2", "rule-name": "2", ...documented }],
    } as DmsTableMappings;
    expectDocumented(rules, expected);
  });

  it("emits the documented change-data-type example (with its rule-name, after an include)", () => {
    const rule = tableMappingsDocument([
      include({ schema: "dbo", table: "%" }),
      transform({
        name: "RuleName 1",
        target: "column",
        action: "change-data-type",
        schema: "dbo",
        table: "dms",
        column: "SALE_AMOUNT",
        dataType: { type: "int8" },
      }),
    ]).rules[1];
    expect(JSON.stringify(rule)).toBe(
      JSON.stringify({
        "rule-type": "transformation",
        "rule-id": "2",
        "rule-name": "RuleName 1",
        "rule-action": "change-data-type",
        "rule-target": "column",
        "object-locator": { "schema-name": "dbo", "table-name": "dms", "column-name": "SALE_AMOUNT" },
        "data-type": { type: "int8" },
      }),
    );
  });

  it("emits add-column with a SQLite expression and a sized string type", () => {
    const rule = tableMappingsDocument([
      include(includeTest),
      transform({
        target: "column",
        action: "add-column",
        schema: "%",
        table: "%",
        value: "transact_id",
        expression: "$AR_H_STREAM_POSITION",
        dataType: { type: "string", length: 50 },
      }),
    ]).rules[1];
    expect(rule).toEqual({
      "rule-type": "transformation",
      "rule-id": "2",
      "rule-name": "2",
      "rule-action": "add-column",
      "rule-target": "column",
      "object-locator": { "schema-name": "%", "table-name": "%" },
      value: "transact_id",
      expression: "$AR_H_STREAM_POSITION",
      "data-type": { type: "string", length: 50 },
    });
  });

  it.each([
    ["schema", { schema: "demo_schema" }, { "schema-name": "demo_schema" }],
    ["table", { schema: "demo_schema", table: "demo_%" }, { "schema-name": "demo_schema", "table-name": "demo_%" }],
    [
      "column",
      { schema: "demo_schema", table: "demo_accounts", column: "firstname" },
      { "schema-name": "demo_schema", "table-name": "demo_accounts", "column-name": "firstname" },
    ],
  ] as const)("locates a %s target with the matching object-locator depth", (target, locator, documentedLocator) => {
    const rules = tableMappingsDocument([
      include({ schema: "demo_schema", table: "%" }),
      transform({ target, action: "add-prefix", ...locator, value: "old_" }),
      transform({ target, action: "remove-prefix", ...locator, value: "old_" }),
      transform({ target, action: "add-suffix", ...locator, value: "_v2" }),
      transform({ target, action: "replace-suffix", ...locator, value: "_v3", oldValue: "_v2" }),
    ]).rules.slice(1) as DmsTransformationRule[];
    expect(rules.map((r) => r["object-locator"])).toEqual([documentedLocator, documentedLocator, documentedLocator, documentedLocator]);
    expect(rules.map((r) => r["rule-target"])).toEqual([target, target, target, target]);
    expect(rules[3]).toMatchObject({ "rule-action": "replace-suffix", value: "_v3", "old-value": "_v2" });
  });
});

describe("rule numbering and names", () => {
  it("numbers rules by position and names them after their id unless a name is given", () => {
    const rules = tableMappingsDocument([
      include({ schema: "demo_schema", table: "%", name: "include-demo" }),
      exclude({ schema: "demo_schema", table: "tmp_%" }),
      transform({ target: "schema", action: "rename", schema: "demo_schema", value: "demo_copy", name: "rename-schema" }),
    ]).rules;
    expect(rules.map((r) => [r["rule-id"], r["rule-name"]])).toEqual([
      ["1", "include-demo"],
      ["2", "2"],
      ["3", "rename-schema"],
    ]);
  });
});

describe("stable output", () => {
  const build = (): TableMappingRule[] => [
    include({
      schema: "demo_schema",
      table: "demo_accounts",
      filters: [{ column: "accountnumber", conditions: [{ operator: "between", startValue: 1, endValue: 1000 }] }],
    }),
    transform({ target: "table", action: "convert-uppercase", schema: "demo_schema", table: "%" }),
    transform({
      target: "column",
      action: "add-column",
      schema: "%",
      table: "%",
      value: "v",
      dataType: { type: "numeric", precision: 9, scale: 2 },
    }),
  ];

  it("gives byte-identical JSON for the same input", () => {
    expect(tableMappingsJson(build())).toBe(tableMappingsJson(build()));
    const rules = build();
    expect(tableMappingsJson(rules)).toBe(tableMappingsJson(rules));
  });

  it("shares no object with its input, so changing the result cannot change the next one", () => {
    const rules = build();
    const first = tableMappingsDocument(rules);
    first.rules[0]["rule-name"] = "changed";
    (first.rules[0] as { filters: { "filter-conditions": unknown[] }[] }).filters[0]["filter-conditions"].length = 0;
    defined((first.rules[2] as DmsTransformationRule)["data-type"], "the add-column rule's data type").scale = 0;
    expect(rules).toEqual(build());
    expect(tableMappingsJson(rules)).toBe(tableMappingsJson(build()));
  });
});

// The rules as a deployment file gives them: every problem, as `tableMappings[1].value: ...` lines.
function problems(rules: unknown): string {
  const result = tableMappingRulesSchema.safeParse(rules);
  return result.success
    ? ""
    : result.error.issues.map((issue) => `${formatFieldPath(["tableMappings", ...issue.path])}: ${issue.message}`).join("\n");
}

describe("validation (the deployment schema)", () => {
  const include = { type: "selection", action: "include", schema: "demo_schema", table: "%" };

  it.each<[string, unknown, RegExp]>([
    ["no rules", [], /without a selection rule that includes tables: add one such as \{ "type": "selection", "action": "include"/],
    [
      "only exclusions",
      [{ type: "selection", action: "exclude", schema: "a", table: "%" }],
      /without a selection rule that includes tables/,
    ],
    ["not an array", { rules: [] }, /table-mapping rules must be an array/],
    ["unknown rule type", [include, { type: "selekshun" }], /tableMappings\[1\]\.type: type must be "selection" or "transformation"/],
    [
      "empty schema",
      [{ ...include, schema: "" }],
      /tableMappings\[0\]\.schema: schema must not be empty: give an exact name or a wildcard pattern such as "%"/,
    ],
    ["blank table", [{ ...include, table: "  " }], /tableMappings\[0\]\.table: table must not be empty/],
    ["padded name", [{ ...include, table: " demo " }], /must not start or end with whitespace/],
    ["missing table", [{ type: "selection", action: "include", schema: "a" }], /tableMappings\[0\]\.table: table is required/],
    ["misspelt key", [{ ...include, tabel: "x" }], /unknown key\(s\) "tabel" in a selection rule; allowed keys are/],
    [
      "bad action",
      [{ ...include, action: "includ" }],
      /tableMappings\[0\]\.action: Invalid enum value\. Expected 'include' \| 'exclude' \| 'explicit'/,
    ],
    [
      "explicit with a pattern",
      [{ ...include, action: "explicit" }],
      /"explicit" selects exactly one object, so table cannot contain "%": use "include"/,
    ],
    ["bad load order", [{ ...include, loadOrder: 0 }], /loadOrder must be 1 or more/],
    [
      "filter on an exclude rule",
      [
        include,
        { type: "selection", action: "exclude", schema: "a", table: "t", filters: [{ column: "c", conditions: [{ operator: "null" }] }] },
      ],
      /tableMappings\[1\]\.filters: DMS applies filters only to "include" rules/,
    ],
    [
      "filter on a table pattern",
      [{ ...include, filters: [{ column: "c", conditions: [{ operator: "null" }] }] }],
      /tableMappings\[0\]\.table: DMS filters work only on a table with an exact name/,
    ],
    [
      "between without a range",
      [{ ...include, table: "t", filters: [{ column: "c", conditions: [{ operator: "between", value: "1" }] }] }],
      /conditions\[0\]\.startValue: operator "between" needs a range: add "startValue"/,
    ],
    [
      "gte without a value",
      [{ ...include, table: "t", filters: [{ column: "c", conditions: [{ operator: "gte" }] }] }],
      /conditions\[0\]\.value: operator "gte" compares against one value: add "value"/,
    ],
    [
      "null with a value",
      [{ ...include, table: "t", filters: [{ column: "c", conditions: [{ operator: "null", value: "x" }] }] }],
      /operator "null" takes no value: remove "value"/,
    ],
    [
      "negative operator among others",
      [
        {
          ...include,
          table: "t",
          filters: [
            {
              column: "c",
              conditions: [
                { operator: "noteq", value: "1" },
                { operator: "eq", value: "2" },
              ],
            },
          ],
        },
      ],
      /negative operator \("noteq"\) only as the single condition of a filter: move it into a filter of its own/,
    ],
    [
      "filter without conditions",
      [{ ...include, table: "t", filters: [{ column: "c", conditions: [] }] }],
      /a filter needs at least one condition/,
    ],
    [
      "rename without value",
      [include, { type: "transformation", target: "table", action: "rename", schema: "a", table: "b" }],
      /tableMappings\[1\]\.value: action "rename" needs "value" \(the new name\)/,
    ],
    [
      "schema target with a table",
      [include, { type: "transformation", target: "schema", action: "rename", schema: "a", table: "b", value: "c" }],
      /tableMappings\[1\]\.table: target "schema" does not take "table": remove it or change the target/,
    ],
    [
      "column target without a column",
      [include, { type: "transformation", target: "column", action: "rename", schema: "a", table: "b", value: "c" }],
      /tableMappings\[1\]\.column: target "column" needs "column" to locate the object: add it/,
    ],
    [
      "remove-column on a table",
      [include, { type: "transformation", target: "table", action: "remove-column", schema: "a", table: "b" }],
      /action "remove-column" works on target "column", not "table"/,
    ],
    [
      "replace-prefix without oldValue",
      [include, { type: "transformation", target: "table", action: "replace-prefix", schema: "a", table: "%", value: "n_" }],
      /tableMappings\[1\]\.oldValue: action "replace-prefix" needs "oldValue"/,
    ],
    [
      "add-column without dataType",
      [include, { type: "transformation", target: "column", action: "add-column", schema: "a", table: "b", value: "c" }],
      /tableMappings\[1\]\.dataType: action "add-column" needs "dataType", e\.g\. \{ "type": "string", "length": 50 \}/,
    ],
    [
      "add-column naming a column locator",
      [
        include,
        {
          type: "transformation",
          target: "column",
          action: "add-column",
          schema: "a",
          table: "b",
          column: "c",
          value: "c",
          dataType: { type: "int4" },
        },
      ],
      /"add-column" takes the new column's name in "value": remove "column"/,
    ],
    [
      "string without length",
      [
        include,
        {
          type: "transformation",
          target: "column",
          action: "add-column",
          schema: "a",
          table: "b",
          value: "c",
          dataType: { type: "string" },
        },
      ],
      /dataType\.length: type "string" needs a length: add "length"/,
    ],
    [
      "unknown data type",
      [
        include,
        {
          type: "transformation",
          target: "column",
          action: "add-column",
          schema: "a",
          table: "b",
          value: "c",
          dataType: { type: "varchar" },
        },
      ],
      /dataType\.type: Invalid enum value/,
    ],
    [
      "expression on rename",
      [include, { type: "transformation", target: "table", action: "rename", schema: "a", table: "b", value: "c", expression: "1" }],
      /only "add-column" takes "expression": remove it/,
    ],
    [
      "convert-lowercase with a value",
      [include, { type: "transformation", target: "table", action: "convert-lowercase", schema: "a", table: "b", value: "c" }],
      /action "convert-lowercase" takes no "value": remove it/,
    ],
    [
      "a name that equals another rule's default id name",
      [include, { ...include, schema: "other", name: "1" }],
      /tableMappings\[1\]\.name: rule-name "1" of rule 2 is already used by rule 1/,
    ],
    [
      "two rules with one name",
      [
        { ...include, name: "same" },
        { ...include, schema: "b", name: "same" },
      ],
      /tableMappings\[1\]\.name: rule-name "same" of rule 2 is already used by rule 1.*give one of them a different "name"/,
    ],
  ])("rejects %s with a message saying what to change", (_case, rules, message) => {
    expect(tableMappingRulesSchema.safeParse(rules).success).toBe(false);
    expect(problems(rules)).toMatch(message);
  });

  it("reports every problem of a rule list at once", () => {
    const message = problems([
      { ...include, schema: "" },
      { type: "transformation", target: "table", action: "rename", schema: "a", table: "b" },
    ]);
    expect(message).toContain("tableMappings[0].schema");
    expect(message).toContain("tableMappings[1].value");
  });
});

describe("deployment-file config", () => {
  // As it would appear in the deployment file: camelCase keys, one object per rule.
  const configJson = `[
    { "type": "selection", "action": "include", "schema": "demo_schema", "table": "demo_accounts",
      "filters": [ { "column": "accountnumber", "conditions": [ { "operator": "gte", "value": 2 } ] } ] },
    { "type": "transformation", "target": "table", "action": "rename", "schema": "demo_schema",
      "table": "demo_accounts", "value": "accounts", "name": "rename-accounts" }
  ]`;

  it("emits the rules the schema accepted from a file as DMS's document", () => {
    const parsed = tableMappingRulesSchema.parse(JSON.parse(configJson));
    expectDocumented(parsed, {
      rules: [
        {
          "rule-type": "selection",
          "rule-id": "1",
          "rule-name": "1",
          "object-locator": { "schema-name": "demo_schema", "table-name": "demo_accounts" },
          "rule-action": "include",
          filters: [
            { "filter-type": "source", "column-name": "accountnumber", "filter-conditions": [{ "filter-operator": "gte", value: "2" }] },
          ],
        },
        {
          "rule-type": "transformation",
          "rule-id": "2",
          "rule-name": "rename-accounts",
          "rule-action": "rename",
          "rule-target": "table",
          "object-locator": { "schema-name": "demo_schema", "table-name": "demo_accounts" },
          value: "accounts",
        },
      ],
    });
  });

  it("exposes the schemas for the loader", () => {
    expect(tableMappingRulesSchema.safeParse(JSON.parse(configJson)).success).toBe(true);
    expect(tableMappingRuleSchema.safeParse({ type: "selection", action: "include", schema: "s", table: "%" }).success).toBe(true);
    expect(tableMappingRuleSchema.safeParse({ type: "selection", action: "include", schema: "s", table: "%", extra: 1 }).success).toBe(
      false,
    );
  });
});

// The emitter's types repeat the schema's lists (constructs/ may not import variables/); these fail
// tsc when the two drift apart. The stack, which passes schema output to ReplicationTask, checks the
// rule shapes the same way.
describe("the emitter's types and the schema's lists", () => {
  it("name the same values", () => {
    expectTypeOf<(typeof SELECTION_ACTIONS)[number]>().toEqualTypeOf<SelectionAction>();
    expectTypeOf<(typeof TABLE_TYPES)[number]>().toEqualTypeOf<TableType>();
    expectTypeOf<(typeof FILTER_OPERATORS)[number]>().toEqualTypeOf<FilterOperator>();
    expectTypeOf<(typeof TRANSFORMATION_TARGETS)[number]>().toEqualTypeOf<TransformationTarget>();
    expectTypeOf<(typeof TRANSFORMATION_ACTIONS)[number]>().toEqualTypeOf<TransformationAction>();
    expectTypeOf<(typeof DMS_DATA_TYPES)[number]>().toEqualTypeOf<DmsDataTypeName>();
  });

  it("accept every rule the schema gives as a rule the emitter takes", () => {
    expectTypeOf<z.output<typeof tableMappingRulesSchema>>().toExtend<readonly TableMappingRule[]>();
  });
});
