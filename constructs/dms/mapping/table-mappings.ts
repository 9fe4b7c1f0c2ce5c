// Typed builder for DMS table mappings: validated selection/transformation rules emitted in DMS's own JSON spelling.
import { z } from "zod";
import { formatIssues, quoteList } from "./errors";

// ---------------------------------------------------------------------------
// DMS's JSON shapes (AWS DMS User Guide: "Selection rules and actions",
// "Transformation rules and actions", "Using source filters").
// ---------------------------------------------------------------------------

export const SELECTION_ACTIONS = ["include", "exclude", "explicit"] as const;
export type SelectionAction = (typeof SELECTION_ACTIONS)[number];

export const TABLE_TYPES = ["table", "view", "all"] as const;
export type TableType = (typeof TABLE_TYPES)[number];

/** `ste` is DMS's documented alias of `lte`; both are accepted and emitted as written. */
export const FILTER_OPERATORS = ["lte", "ste", "gte", "eq", "noteq", "between", "notbetween", "null", "notnull"] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export const TRANSFORMATION_TARGETS = ["schema", "table", "column"] as const;
export type TransformationTarget = (typeof TRANSFORMATION_TARGETS)[number];

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
export type TransformationAction = (typeof TRANSFORMATION_ACTIONS)[number];

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
export type DmsDataTypeName = (typeof DMS_DATA_TYPES)[number];

export interface DmsFilterCondition {
  "filter-operator": FilterOperator;
  value?: string;
  "start-value"?: string;
  "end-value"?: string;
}

export interface DmsSourceFilter {
  "filter-type": "source";
  "column-name": string;
  "filter-conditions": DmsFilterCondition[];
}

export interface DmsSelectionRule {
  "rule-type": "selection";
  "rule-id": string;
  "rule-name": string;
  "object-locator": { "schema-name": string; "table-name": string; "table-type"?: TableType };
  "rule-action": SelectionAction;
  "load-order"?: string;
  filters?: DmsSourceFilter[];
}

export interface DmsDataType {
  type: DmsDataTypeName;
  length?: number;
  precision?: number;
  scale?: number;
}

export interface DmsTransformationRule {
  "rule-type": "transformation";
  "rule-id": string;
  "rule-name": string;
  "rule-action": TransformationAction;
  "rule-target": TransformationTarget;
  "object-locator": { "schema-name": string; "table-name"?: string; "column-name"?: string };
  value?: string;
  "old-value"?: string;
  expression?: string;
  "data-type"?: DmsDataType;
}

export type DmsTableMappingRule = DmsSelectionRule | DmsTransformationRule;

/** The document DMS takes as `TableMappings` (Terraform: `table_mappings`). */
export interface DmsTableMappings {
  rules: DmsTableMappingRule[];
}

/** Thrown for any invalid rule or rule set; the message names the rule and what to change. */
export class TableMappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TableMappingError";
  }
}

// ---------------------------------------------------------------------------
// Config schema (camelCase; shared with the deployment-file loader).
// ---------------------------------------------------------------------------

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

export const filterConditionSchema = strictObject("a filter condition", {
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

export const sourceFilterSchema = strictObject("a filter", {
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

export const selectionRuleSchema = selectionRuleObject.superRefine(refineSelection);

const STRING_TYPES: readonly DmsDataTypeName[] = ["string", "wstring", "bytes"];

export const dataTypeSchema = strictObject("dataType", {
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
  expression: z.string({ invalid_type_error: "expression must be a string" }).min(1, { message: "expression must not be empty" }).optional(),
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

export const transformationRuleSchema = transformationRuleObject.superRefine(refineTransformation);

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

export type SelectionRuleConfig = z.input<typeof selectionRuleSchema>;
export type TransformationRuleConfig = z.input<typeof transformationRuleSchema>;
export type TableMappingRuleConfig = z.input<typeof tableMappingRuleSchema>;
export type SourceFilterConfig = z.input<typeof sourceFilterSchema>;
export type FilterConditionConfig = z.input<typeof filterConditionSchema>;
export type DataTypeConfig = z.input<typeof dataTypeSchema>;

/** Selection options for the fluent helpers, which fix `type` and `action` themselves. */
export type SelectionSpec = Omit<SelectionRuleConfig, "type" | "action">;
/** Transformation options for {@link TableMappings.transform}, which fixes `type` itself. */
export type TransformationSpec = Omit<TransformationRuleConfig, "type">;

const MISSING_INCLUDE_MESSAGE =
  'DMS rejects table mappings without a selection rule that includes tables: add one such as ' +
  '{ "type": "selection", "action": "include", "schema": "demo_schema", "table": "%" }';

function duplicateNameMessage(name: string, index: number, firstIndex: number): string {
  return (
    `rule-name "${name}" of rule ${index + 1} is already used by rule ${firstIndex + 1}: ` +
    'rule names must be unique, so give one of them a different "name" (an unnamed rule is named after its rule-id)'
  );
}

function isIncludingSelection(rule: TableMappingRuleConfig | DmsTableMappingRule): boolean {
  if ("rule-type" in rule) return rule["rule-type"] === "selection" && rule["rule-action"] !== "exclude";
  return rule.type === "selection" && rule.action !== "exclude";
}

// ---------------------------------------------------------------------------
// Emitters: config → DMS JSON. Keys are written in the order of DMS's documented
// examples, so the output is byte-stable for Terraform's comparison.
// ---------------------------------------------------------------------------

type ParsedSelection = z.output<typeof selectionRuleSchema>;
type ParsedTransformation = z.output<typeof transformationRuleSchema>;
type ParsedCondition = z.output<typeof filterConditionSchema>;

function emitCondition(c: ParsedCondition): DmsFilterCondition {
  const out: DmsFilterCondition = { "filter-operator": c.operator };
  if (c.value !== undefined) out.value = String(c.value);
  if (c.startValue !== undefined) out["start-value"] = String(c.startValue);
  if (c.endValue !== undefined) out["end-value"] = String(c.endValue);
  return out;
}

function emitSelection(r: ParsedSelection, id: string, name: string): DmsSelectionRule {
  const locator: DmsSelectionRule["object-locator"] = { "schema-name": r.schema, "table-name": r.table };
  if (r.tableType !== undefined) locator["table-type"] = r.tableType;
  const out: DmsSelectionRule = {
    "rule-type": "selection",
    "rule-id": id,
    "rule-name": name,
    "object-locator": locator,
    "rule-action": r.action,
  };
  // DMS's documented example writes load-order as a string, like rule-id.
  if (r.loadOrder !== undefined) out["load-order"] = String(r.loadOrder);
  if (r.filters !== undefined && r.filters.length > 0) {
    out.filters = r.filters.map((f) => ({
      "filter-type": "source",
      "column-name": f.column,
      "filter-conditions": f.conditions.map(emitCondition),
    }));
  }
  return out;
}

function emitTransformation(r: ParsedTransformation, id: string, name: string): DmsTransformationRule {
  const locator: DmsTransformationRule["object-locator"] = { "schema-name": r.schema };
  if (r.table !== undefined) locator["table-name"] = r.table;
  if (r.column !== undefined) locator["column-name"] = r.column;
  const out: DmsTransformationRule = {
    "rule-type": "transformation",
    "rule-id": id,
    "rule-name": name,
    "rule-action": r.action,
    "rule-target": r.target,
    "object-locator": locator,
  };
  if (r.value !== undefined) out.value = r.value;
  if (r.oldValue !== undefined) out["old-value"] = r.oldValue;
  if (r.expression !== undefined) out.expression = r.expression;
  if (r.dataType !== undefined) {
    const dataType: DmsDataType = { type: r.dataType.type };
    if (r.dataType.length !== undefined) dataType.length = r.dataType.length;
    if (r.dataType.precision !== undefined) dataType.precision = r.dataType.precision;
    if (r.dataType.scale !== undefined) dataType.scale = r.dataType.scale;
    out["data-type"] = dataType;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Builder
// ---------------------------------------------------------------------------

/**
 * Collects table-mapping rules in order and numbers them: rule-id "1", "2", … by position,
 * rule-name the supplied `name` or else the rule-id. Each rule is validated as it is added,
 * so an error points at the call that caused it.
 *
 * @example
 * new TableMappings()
 *   .include({ schema: "demo_schema", table: "%" })
 *   .transform({ target: "schema", action: "rename", schema: "demo_schema", value: "demo_copy" })
 *   .toJson();
 */
export class TableMappings {
  private readonly rules: DmsTableMappingRule[] = [];
  private readonly names = new Map<string, number>();

  /** Adds one rule in deployment-file form; throws {@link TableMappingError} if it is invalid. */
  add(rule: TableMappingRuleConfig): this {
    const index = this.rules.length;
    const id = String(index + 1);
    const parsed = tableMappingRuleSchema.safeParse(rule);
    if (!parsed.success) {
      throw new TableMappingError(`Invalid table-mapping rule ${id}:\n${formatIssues(parsed.error, `rules[${index}]`)}`);
    }
    const name = parsed.data.name ?? id;
    const first = this.names.get(name);
    if (first !== undefined) throw new TableMappingError(duplicateNameMessage(name, index, first));
    this.names.set(name, index);
    this.rules.push(
      parsed.data.type === "selection" ? emitSelection(parsed.data, id, name) : emitTransformation(parsed.data, id, name),
    );
    return this;
  }

  /** Selects matching tables for migration. */
  include(spec: SelectionSpec): this {
    return this.add({ ...spec, type: "selection", action: "include" });
  }

  /** Leaves matching tables out; DMS applies it after the includes whatever the order. */
  exclude(spec: SelectionSpec): this {
    return this.add({ ...spec, type: "selection", action: "exclude" });
  }

  /** Selects exactly one table or view by exact name (no `%`). */
  explicit(spec: SelectionSpec): this {
    return this.add({ ...spec, type: "selection", action: "explicit" });
  }

  /** Adds a transformation rule (rename, prefixes/suffixes, case, columns, data types). */
  transform(spec: TransformationSpec): this {
    return this.add({ ...spec, type: "transformation" });
  }

  /** The `{ rules: [...] }` document; throws if no rule includes any table, which DMS would reject. */
  toObject(): DmsTableMappings {
    if (!this.rules.some(isIncludingSelection)) throw new TableMappingError(MISSING_INCLUDE_MESSAGE);
    return { rules: structuredClone(this.rules) };
  }

  /** Compact JSON for `table_mappings`; identical input gives a byte-identical string. */
  toJson(): string {
    return JSON.stringify(this.toObject());
  }
}

/**
 * Validates the deployment file's rule list (as `unknown`, straight from JSON) and builds it.
 * Every problem in the list is reported at once, with its path (`rules[1].filters[0]…`).
 *
 * @returns the builder, so callers can still add rules before `toJson()`.
 */
export function tableMappingsFromConfig(rules: unknown): TableMappings {
  const parsed = tableMappingRulesSchema.safeParse(rules);
  if (!parsed.success) {
    throw new TableMappingError(`Invalid table-mapping rules:\n${formatIssues(parsed.error, "rules")}`);
  }
  const mappings = new TableMappings();
  for (const rule of parsed.data) mappings.add(rule);
  return mappings;
}
