// One synthesized stack as the policy rules read it: its resources and data sources with their Terraform config, addresses and construct paths.

/** A resource's or data source's configuration as it appears in the synthesized JSON (snake_case keys). */
export type TerraformConfig = Readonly<Record<string, unknown>>;

/** The parts of a stack's synthesized Terraform JSON the rules read. */
export interface TerraformJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, TerraformConfig>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, TerraformConfig>>>>;
  readonly provider?: Readonly<Record<string, ReadonlyArray<TerraformConfig>>>;
}

/** One resource or data source of a synthesized stack. */
export interface SynthesizedResource {
  /** Terraform type, e.g. `aws_rds_cluster`. */
  readonly type: string;
  /** `resource` for managed resources, `data` for data sources. */
  readonly mode: "resource" | "data";
  /** Terraform address, e.g. `aws_rds_cluster.Source_Database_53862EF5` or `data.aws_iam_policy_document.Trust_1234`. */
  readonly address: string;
  /** Construct path (from cdktf's `//` metadata), e.g. `dev-lab/Source/Database/Resource`; the address when unknown. */
  readonly path: string;
  /** The configuration, as in the synthesized JSON. */
  readonly config: TerraformConfig;
}

const REFERENCE = /\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)[.[]/g;

/**
 * Every resource and data source of one stack, with the cross-resource lookups rules need (what a
 * `${type.name.attribute}` reference points at, which resources refer to another).
 */
export class SynthesizedStack {
  readonly resources: readonly SynthesizedResource[];
  private readonly byAddress: ReadonlyMap<string, SynthesizedResource>;
  private siblingsRead?: readonly SynthesizedStack[];

  /**
   * @param name the stack's id, e.g. `dev-lab`
   * @param json the stack's synthesized Terraform JSON (with cdktf's `//` metadata for construct paths)
   * @param production whether the stack belongs to a deployment marked production (see `production.ts`)
   * @param siblings the deployment's other stacks (see `deployment.ts`), read on first use only
   *   @default none
   */
  constructor(
    readonly name: string,
    readonly json: TerraformJson,
    readonly production: boolean,
    private readonly siblings: () => readonly SynthesizedStack[] = () => [],
  ) {
    const resources: SynthesizedResource[] = [];
    for (const [mode, blocks] of [
      ["resource", json.resource],
      ["data", json.data],
    ] as const) {
      for (const [type, byName] of Object.entries(blocks ?? {})) {
        for (const [logicalId, config] of Object.entries(byName)) {
          const address = mode === "data" ? `data.${type}.${logicalId}` : `${type}.${logicalId}`;
          resources.push({ type, mode, address, path: constructPathOf(config) ?? address, config });
        }
      }
    }
    this.resources = resources;
    this.byAddress = new Map(resources.map((resource) => [resource.address, resource]));
  }

  /**
   * The other stacks of the same deployment, for facts that cross a lookup: a key this stack finds by
   * alias is managed (and protected, or not) in one of them. Synthesized on first use.
   */
  get deploymentStacks(): readonly SynthesizedStack[] {
    this.siblingsRead ??= this.siblings();
    return this.siblingsRead;
  }

  /** Managed resources of one type. */
  ofType(type: string): SynthesizedResource[] {
    return this.resources.filter((resource) => resource.mode === "resource" && resource.type === type);
  }

  /** The resource or data source a value refers to when the value is one `${...}` reference; otherwise undefined. */
  referenced(value: unknown): SynthesizedResource | undefined {
    if (typeof value !== "string") return undefined;
    const match = /^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)[.[][^{}]*\}$/.exec(value);
    if (!match) return undefined;
    const [, data, type, logicalId] = match;
    return this.byAddress.get(data ? `data.${type}.${logicalId}` : `${type}.${logicalId}`);
  }

  /** Addresses of everything a value (at any depth) refers to. */
  static referencesIn(value: unknown): string[] {
    const found: string[] = [];
    const visit = (item: unknown) => {
      if (typeof item === "string") {
        for (const match of item.matchAll(REFERENCE)) found.push(match[1] ? `data.${match[2]}.${match[3]}` : `${match[2]}.${match[3]}`);
      } else if (Array.isArray(item)) {
        item.forEach(visit);
      } else if (item && typeof item === "object") {
        Object.values(item).forEach(visit);
      }
    };
    visit(value);
    return found;
  }
}

function constructPathOf(config: TerraformConfig): string | undefined {
  const metadata = (config["//"] as { metadata?: { path?: unknown } } | undefined)?.metadata;
  return typeof metadata?.path === "string" ? metadata.path : undefined;
}

/** A nested block as synthesized: cdktf writes single blocks as objects and repeated ones as arrays; both read as a list. */
export function blocks(value: unknown): TerraformConfig[] {
  if (Array.isArray(value)) return value.filter((item): item is TerraformConfig => !!item && typeof item === "object");
  if (value && typeof value === "object") return [value as TerraformConfig];
  return [];
}

/** A list attribute as strings (a single string reads as a one-element list). */
export function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string");
  return typeof value === "string" ? [value] : [];
}
