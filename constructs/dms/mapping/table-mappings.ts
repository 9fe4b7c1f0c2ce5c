// DMS table mappings: typed selection/transformation rules written out in DMS's own JSON spelling.

// ---------------------------------------------------------------------------
// Rules as the lab writes them (camelCase). Whether a rule makes sense (which fields an action
// takes, filters only on include rules, unique names...) is checked where the rules enter the
// program, the deployment schema; here every well-typed rule is written out as given.
// ---------------------------------------------------------------------------

export type SelectionAction = "include" | "exclude" | "explicit";
export type TableType = "table" | "view" | "all";
/** `ste` is DMS's documented alias of `lte`; both are emitted as written. */
export type FilterOperator = "lte" | "ste" | "gte" | "eq" | "noteq" | "between" | "notbetween" | "null" | "notnull";
export type TransformationTarget = "schema" | "table" | "column";
export type TransformationAction =
  | "rename"
  | "remove-column"
  | "convert-lowercase"
  | "convert-uppercase"
  | "add-prefix"
  | "remove-prefix"
  | "replace-prefix"
  | "add-suffix"
  | "remove-suffix"
  | "replace-suffix"
  | "add-column"
  | "change-data-type";
/** DMS's own type names for `data-type.type` (not the engines' names). */
export type DmsDataTypeName =
  | "bytes"
  | "date"
  | "time"
  | "datetime"
  | "int1"
  | "int2"
  | "int4"
  | "int8"
  | "numeric"
  | "real4"
  | "real8"
  | "string"
  | "uint1"
  | "uint2"
  | "uint4"
  | "uint8"
  | "wstring"
  | "blob"
  | "nclob"
  | "clob"
  | "boolean"
  | "set"
  | "list"
  | "map"
  | "tuple";

/** One condition of a source filter; DMS OR-s the conditions of one filter. */
export interface FilterCondition {
  readonly operator: FilterOperator;
  /** For the one-value operators. Numbers are written as strings, DMS's spelling. */
  readonly value?: string | number;
  /** For `between`/`notbetween`. */
  readonly startValue?: string | number;
  readonly endValue?: string | number;
}

/** A filter on one column of a selected table; DMS AND-s the filters of one rule. */
export interface SourceFilter {
  readonly column: string;
  readonly conditions: readonly FilterCondition[];
}

export interface DataType {
  readonly type: DmsDataTypeName;
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
}

export interface SelectionRule {
  readonly type: "selection";
  readonly action: SelectionAction;
  /** Emitted as `rule-name`. @default the rule-id (its 1-based position) */
  readonly name?: string;
  /** Exact name or DMS wildcard pattern (`%` any run, `_` one character). */
  readonly schema: string;
  readonly table: string;
  /** @default DMS's "table" (the key is left out) */
  readonly tableType?: TableType;
  readonly loadOrder?: number;
  readonly filters?: readonly SourceFilter[];
}

export interface TransformationRule {
  readonly type: "transformation";
  readonly target: TransformationTarget;
  readonly action: TransformationAction;
  /** Emitted as `rule-name`. @default the rule-id (its 1-based position) */
  readonly name?: string;
  readonly schema: string;
  readonly table?: string;
  readonly column?: string;
  readonly value?: string;
  readonly oldValue?: string;
  /** SQLite expression DMS evaluates for an added column (e.g. `$first_name||' '||$last_name`). */
  readonly expression?: string;
  readonly dataType?: DataType;
}

export type TableMappingRule = SelectionRule | TransformationRule;

// ---------------------------------------------------------------------------
// DMS's JSON shapes (AWS DMS User Guide: "Selection rules and actions",
// "Transformation rules and actions", "Using source filters").
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Emitters. Keys are written in the order of DMS's documented examples, so the
// output is byte-stable for Terraform's comparison.
// ---------------------------------------------------------------------------

function emitCondition(c: FilterCondition): DmsFilterCondition {
  const out: DmsFilterCondition = { "filter-operator": c.operator };
  if (c.value !== undefined) out.value = String(c.value);
  if (c.startValue !== undefined) out["start-value"] = String(c.startValue);
  if (c.endValue !== undefined) out["end-value"] = String(c.endValue);
  return out;
}

function emitSelection(r: SelectionRule, id: string, name: string): DmsSelectionRule {
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

function emitTransformation(r: TransformationRule, id: string, name: string): DmsTransformationRule {
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

/**
 * The `{ rules: [...] }` document, numbered by position: rule-id "1", "2", …, rule-name the rule's
 * `name` or else its rule-id. A fresh object every call; nothing in it is shared with `rules`.
 */
export function tableMappingsDocument(rules: readonly TableMappingRule[]): DmsTableMappings {
  return {
    rules: rules.map((rule, index) => {
      const id = String(index + 1);
      const name = rule.name ?? id;
      return rule.type === "selection" ? emitSelection(rule, id, name) : emitTransformation(rule, id, name);
    }),
  };
}

/** Compact JSON for `table_mappings`; equal rules give a byte-identical string. */
export function tableMappingsJson(rules: readonly TableMappingRule[]): string {
  return JSON.stringify(tableMappingsDocument(rules));
}
