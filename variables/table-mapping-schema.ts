// The `tableMappings` of a deployment file's task: DMS selection/transformation rules in camelCase, every rule checked.
import { z } from "zod";
import { quoteList } from "./wording";

// The lists below are what DMS accepts (AWS DMS User Guide: "Selection rules and actions",
// "Transformation rules and actions", "Using source filters"). The emitter in constructs/ repeats
// them as types; a unit test keeps the two equal.

export const SELECTION_ACTIONS = ["include", "exclude", "explicit"] as const;

export const TABLE_TYPES = ["table", "view", "all"] as const;

/** `ste` is DMS's documented alias of `lte`; both are accepted and emitted as written. */
export const FILTER_OPERATORS = ["lte", "ste", "gte", "eq", "noteq", "between", "notbetween", "null", "notnull"] as const;
type FilterOperator = (typeof FILTER_OPERATORS)[number];

export const TRANSFORMATION_TARGETS = ["schema", "table", "column"] as const;
type TransformationTarget = (typeof TRANSFORMATION_TARGETS)[number];

export const TRANSFORMATION_ACTIONS = [
  "rename",
  "remove-column",
  "convert-lowercase",
  "convert-uppercase",
  "add-prefix",
  "remove-prefix",
  "replace-prefix",
  "add-suffix",
  "remove-suffix",
  "replace-suffix",
  "add-column",
  "change-data-type",
] as const;
type TransformationAction = (typeof TRANSFORMATION_ACTIONS)[number];

/** DMS's own type names for `data-type.type` (not the engines' names). */
export const DMS_DATA_TYPES = [
  "bytes",
  "date",
  "time",
  "datetime",
  "int1",
  "int2",
  "int4",
  "int8",
  "numeric",
  "real4",
  "real8",
  "string",
  "uint1",
  "uint2",
  "uint4",
  "uint8",
  "wstring",
  "blob",
  "nclob",
  "clob",
  "boolean",
  "set",
  "list",
  "map",
  "tuple",
] as const;
type DmsDataTypeName = (typeof DMS_DATA_TYPES)[number];

/**
 * A strict object whose unknown-key error lists the allowed keys: a typo such as `tabel`
 * would otherwise be reported without telling the user what the key should be.
 */
function strictObject<T extends z.ZodRawShape>(label: string, shape: T) {
  const allowed = Object.keys(shape);
  return z
    .object(shape, {
      errorMap: (issue, ctx) => {
        if (issue.code === "unrecognized_keys") {
          return { message: `unknown key(s) ${quoteList(issue.keys)} in ${label}; allowed keys are ${quoteList(allowed)}` };
        }
        if (issue.code === "invalid_type") return { message: `${label} must be an object` };
        return { message: ctx.defaultError };
      },
    })
    .strict();
}

/** Object names: exact names or DMS wildcard patterns (`%` any run, `_` one character). */
function objectName(what: string) {
  return z
    .string({
      required_error: `${what} is required`,
      invalid_type_error: `${what} must be a string`,
    })
    .refine((s) => s.trim().length > 0, {
      message: `${what} must not be empty: give an exact name or a wildcard pattern such as "%"`,
    })
    .refine((s) => s.trim() === s, {
      message: `${what} must not start or end with whitespace: DMS matches names exactly`,
    });
}

const ruleName = z
  .string({ invalid_type_error: "name must be a string" })
  .refine((s) => s.trim().length > 0, { message: 'name must not be empty: remove "name" to default to the rule-id' });

/** Filter values are strings in DMS's JSON; numbers are accepted for convenience and emitted as strings. */
const filterValue = z.union([z.string(), z.number().finite()], {
  errorMap: () => ({ message: "must be a string or a number" }),
});

const ONE_VALUE: readonly FilterOperator[] = ["lte", "ste", "gte", "eq", "noteq"];
const TWO_VALUES: readonly FilterOperator[] = ["between", "notbetween"];
/** DMS allows a negative operator only as the single condition of its filter (conditions are OR-ed). */
const NEGATIVE: readonly FilterOperator[] = ["noteq", "notbetween", "notnull"];

const filterConditionSchema = strictObject("a filter condition", {
  operator: z.enum(FILTER_OPERATORS),
  value: filterValue.optional(),
  startValue: filterValue.optional(),
  endValue: filterValue.optional(),
}).superRefine((c, ctx) => {
  const need = (key: "value" | "startValue" | "endValue", why: string) => {
    if (c[key] === undefined) ctx.addIssue({ code: "custom", path: [key], message: why });
  };
  const forbid = (key: "value" | "startValue" | "endValue", why: string) => {
    if (c[key] !== undefined) ctx.addIssue({ code: "custom", path: [key], message: why });
  };
  if (ONE_VALUE.includes(c.operator)) {
    need("value", `operator "${c.operator}" compares against one value: add "value"`);
    forbid("startValue", `operator "${c.operator}" takes "value", not "startValue": remove it or use "between"`);
    forbid("endValue", `operator "${c.operator}" takes "value", not "endValue": remove it or use "between"`);
  } else if (TWO_VALUES.includes(c.operator)) {
    need("startValue", `operator "${c.operator}" needs a range: add "startValue"`);
    need("endValue", `operator "${c.operator}" needs a range: add "endValue"`);
    forbid("value", `operator "${c.operator}" takes "startValue" and "endValue", not "value"`);
  } else {
    for (const key of ["value", "startValue", "endValue"] as const) {
      forbid(key, `operator "${c.operator}" takes no value: remove "${key}"`);
    }
  }
});

const sourceFilterSchema = strictObject("a filter", {
  column: objectName("column").refine((s) => !s.includes("%"), {
    message: 'filters need an exact column name: DMS does not expand "%" in filters',
  }),
  conditions: z
    .array(filterConditionSchema, { invalid_type_error: "conditions must be an array" })
    .min(1, { message: "a filter needs at least one condition: add one or remove the filter" }),
}).superRefine((f, ctx) => {
  const negative = f.conditions.find((c) => NEGATIVE.includes(c.operator));
  if (negative !== undefined && f.conditions.length > 1) {
    ctx.addIssue({
      code: "custom",
      path: ["conditions"],
      message:
        `DMS allows a negative operator ("${negative.operator}") only as the single condition of a filter: ` +
        "move it into a filter of its own (separate filters are AND-ed)",
    });
  }
});

const selectionRuleObject = strictObject("a selection rule", {
  type: z.literal("selection"),
  action: z.enum(SELECTION_ACTIONS),
  /** Emitted as `rule-name`. @default the rule-id */
  name: ruleName.optional(),
  schema: objectName("schema"),
  table: objectName("table"),
  /** @default DMS's "table" */
  tableType: z.enum(TABLE_TYPES).optional(),
  loadOrder: z
    .number({ invalid_type_error: "loadOrder must be a number" })
    .int({ message: "loadOrder must be a whole number" })
    .positive({ message: "loadOrder must be 1 or more" })
    .max(2_147_483_647, { message: "loadOrder must be at most 2147483647" })
    .optional(),
  filters: z.array(sourceFilterSchema, { invalid_type_error: "filters must be an array" }).optional(),
});

function refineSelection(r: z.output<typeof selectionRuleObject>, ctx: z.RefinementCtx): void {
  if (r.action === "explicit") {
    for (const key of ["schema", "table"] as const) {
      if (r[key].includes("%")) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `"explicit" selects exactly one object, so ${key} cannot contain "%": use "include" for patterns`,
        });
      }
    }
  }
  if (r.filters !== undefined && r.filters.length > 0) {
    if (r.action !== "include") {
      ctx.addIssue({
        code: "custom",
        path: ["filters"],
        message: `DMS applies filters only to "include" rules: change action to "include" or remove "filters"`,
      });
    }
    if (r.table.includes("%")) {
      ctx.addIssue({
        code: "custom",
        path: ["table"],
        message: 'DMS filters work only on a table with an exact name: replace the "%" pattern or move the filter to a rule per table',
      });
    }
  }
}

const STRING_TYPES: readonly DmsDataTypeName[] = ["string", "wstring", "bytes"];

const dataTypeSchema = strictObject("dataType", {
  type: z.enum(DMS_DATA_TYPES),
  length: z.number().int().positive().optional(),
  precision: z.number().int().positive().optional(),
  scale: z.number().int().nonnegative().optional(),
}).superRefine((d, ctx) => {
  if (STRING_TYPES.includes(d.type) && d.length === undefined) {
    ctx.addIssue({ code: "custom", path: ["length"], message: `type "${d.type}" needs a length: add "length"` });
  }
  if (!STRING_TYPES.includes(d.type) && d.length !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["length"],
      message: `"length" applies only to ${quoteList(STRING_TYPES)}: remove it or change the type`,
    });
  }
  if (d.scale !== undefined && d.type !== "numeric") {
    ctx.addIssue({ code: "custom", path: ["scale"], message: '"scale" applies only to type "numeric": remove it' });
  }
  if (d.scale !== undefined && (d.precision === undefined || d.scale > d.precision)) {
    ctx.addIssue({ code: "custom", path: ["scale"], message: '"scale" needs a "precision" at least as large' });
  }
});

type FieldUse = "required" | "optional" | "forbidden";

interface ActionContract {
  targets: readonly TransformationTarget[];
  value: FieldUse;
  /** What `value` means for this action, used in messages. */
  valueMeaning?: string;
  oldValue: FieldUse;
  dataType: FieldUse;
  expression: FieldUse;
}

const NAME_TARGETS: readonly TransformationTarget[] = ["schema", "table", "column"];
const nameEdit = (valueMeaning: string, oldValue: FieldUse = "forbidden"): ActionContract => ({
  targets: NAME_TARGETS,
  value: "required",
  valueMeaning,
  oldValue,
  dataType: "forbidden",
  expression: "forbidden",
});

/** Which fields each rule-action takes, per the DMS transformation rules table. */
const ACTIONS: Record<TransformationAction, ActionContract> = {
  rename: nameEdit("the new name"),
  "add-prefix": nameEdit("the prefix to add"),
  "remove-prefix": nameEdit("the prefix to remove"),
  "replace-prefix": nameEdit("the new prefix", "required"),
  "add-suffix": nameEdit("the suffix to add"),
  "remove-suffix": nameEdit("the suffix to remove"),
  "replace-suffix": nameEdit("the new suffix", "required"),
  "convert-lowercase": { targets: NAME_TARGETS, value: "forbidden", oldValue: "forbidden", dataType: "forbidden", expression: "forbidden" },
  "convert-uppercase": { targets: NAME_TARGETS, value: "forbidden", oldValue: "forbidden", dataType: "forbidden", expression: "forbidden" },
  "remove-column": { targets: ["column"], value: "forbidden", oldValue: "forbidden", dataType: "forbidden", expression: "forbidden" },
  "add-column": {
    targets: ["column"],
    value: "required",
    valueMeaning: "the new column's name",
    oldValue: "forbidden",
    dataType: "required",
    expression: "optional",
  },
  "change-data-type": { targets: ["column"], value: "forbidden", oldValue: "forbidden", dataType: "required", expression: "forbidden" },
};

const transformationRuleObject = strictObject("a transformation rule", {
  type: z.literal("transformation"),
  target: z.enum(TRANSFORMATION_TARGETS),
  action: z.enum(TRANSFORMATION_ACTIONS),
  /** Emitted as `rule-name`. @default the rule-id */
  name: ruleName.optional(),
  schema: objectName("schema"),
  table: objectName("table").optional(),
  column: objectName("column").optional(),
  value: z.string({ invalid_type_error: "value must be a string" }).min(1, { message: "value must not be empty" }).optional(),
  oldValue: z.string({ invalid_type_error: "oldValue must be a string" }).min(1, { message: "oldValue must not be empty" }).optional(),
  /** SQLite expression DMS evaluates for an added column (e.g. `$first_name||' '||$last_name`). */
  expression: z
    .string({ invalid_type_error: "expression must be a string" })
    .min(1, { message: "expression must not be empty" })
    .optional(),
  dataType: dataTypeSchema.optional(),
});

function refineTransformation(r: z.output<typeof transformationRuleObject>, ctx: z.RefinementCtx): void {
  const contract = ACTIONS[r.action];
  if (!contract.targets.includes(r.target)) {
    ctx.addIssue({
      code: "custom",
      path: ["target"],
      message: `action "${r.action}" works on target ${quoteList(contract.targets)}, not "${r.target}"`,
    });
    return;
  }

  // The object-locator depth follows the target; add-column names its column in `value` instead.
  const columnUse: FieldUse = r.target !== "column" || r.action === "add-column" ? "forbidden" : "required";
  const tableUse: FieldUse = r.target === "schema" ? "forbidden" : "required";
  const locatorWhy = (field: string, use: FieldUse) =>
    use === "required"
      ? `target "${r.target}" needs "${field}" to locate the object: add it ("%" matches all)`
      : r.action === "add-column" && field === "column"
        ? `"add-column" takes the new column's name in "value": remove "column"`
        : `target "${r.target}" does not take "${field}": remove it or change the target`;
  checkUse(ctx, "table", r.table, tableUse, locatorWhy("table", tableUse));
  checkUse(ctx, "column", r.column, columnUse, locatorWhy("column", columnUse));

  checkUse(
    ctx,
    "value",
    r.value,
    contract.value,
    contract.value === "required"
      ? `action "${r.action}" needs "value" (${contract.valueMeaning})`
      : `action "${r.action}" takes no "value": remove it`,
  );
  checkUse(
    ctx,
    "oldValue",
    r.oldValue,
    contract.oldValue,
    contract.oldValue === "required"
      ? `action "${r.action}" needs "oldValue" (the text being replaced)`
      : `only "replace-prefix" and "replace-suffix" take "oldValue": remove it`,
  );
  checkUse(
    ctx,
    "dataType",
    r.dataType,
    contract.dataType,
    contract.dataType === "required"
      ? `action "${r.action}" needs "dataType", e.g. { "type": "string", "length": 50 }`
      : `only "add-column" and "change-data-type" take "dataType": remove it`,
  );
  checkUse(ctx, "expression", r.expression, contract.expression, `only "add-column" takes "expression": remove it`);
}

function checkUse(ctx: z.RefinementCtx, key: string, value: unknown, use: FieldUse, message: string): void {
  if ((use === "required" && value === undefined) || (use === "forbidden" && value !== undefined)) {
    ctx.addIssue({ code: "custom", path: [key], message });
  }
}

/** One rule as written in the deployment file. */
export const tableMappingRuleSchema = z
  .discriminatedUnion("type", [selectionRuleObject, transformationRuleObject], {
    errorMap: (issue, ctx) =>
      issue.code === "invalid_union_discriminator"
        ? { message: 'type must be "selection" or "transformation"' }
        : issue.code === "invalid_type"
          ? { message: "each rule must be an object" }
          : { message: ctx.defaultError },
  })
  // discriminatedUnion takes plain objects only, so the per-kind checks run here.
  .superRefine((r, ctx) => (r.type === "selection" ? refineSelection(r, ctx) : refineTransformation(r, ctx)));

const MISSING_INCLUDE_MESSAGE =
  "DMS rejects table mappings without a selection rule that includes tables: add one such as " +
  '{ "type": "selection", "action": "include", "schema": "demo_schema", "table": "%" }';

function duplicateNameMessage(name: string, index: number, firstIndex: number): string {
  return (
    `rule-name "${name}" of rule ${index + 1} is already used by rule ${firstIndex + 1}: ` +
    'rule names must be unique, so give one of them a different "name" (an unnamed rule is named after its rule-id)'
  );
}

function isIncludingSelection(rule: z.output<typeof tableMappingRuleSchema>): boolean {
  return rule.type === "selection" && rule.action !== "exclude";
}

/**
 * A whole rule list as written in the deployment file, with the set-level checks (unique names,
 * at least one including selection) so the loader reports them against the file, not at synth.
 */
export const tableMappingRulesSchema = z
  .array(tableMappingRuleSchema, { invalid_type_error: "table-mapping rules must be an array" })
  .superRefine((rules, ctx) => {
    const seen = new Map<string, number>();
    rules.forEach((rule, index) => {
      const name = rule.name ?? String(index + 1);
      const first = seen.get(name);
      if (first !== undefined) {
        ctx.addIssue({ code: "custom", path: [index, "name"], message: duplicateNameMessage(name, index, first) });
      } else {
        seen.set(name, index);
      }
    });
    if (!rules.some(isIncludingSelection)) {
      ctx.addIssue({ code: "custom", path: [], message: MISSING_INCLUDE_MESSAGE });
    }
  });
