// Test helpers: build a deployment's stacks in a test app and read the synthesized JSON.
import { Testing, type TerraformElement, type TerraformStack } from "cdktf";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { KeyLookup } from "../../constructs/encryption/key-lookup";
import { buildDeployment, type DeploymentStacks } from "../../stacks/build-lab";
import type { LabStack } from "../../stacks/lab-stack";
import { loadDeployment } from "../../variables/load";
import type { RuntimeSettings } from "../../variables/runtime";
import type { Deployment, DeploymentFileInput } from "../../variables/schema";

export const VARIABLES_DIR = resolve(__dirname, "..", "..", "variables");

export const TEST_RUNTIME: RuntimeSettings = {
  variablesDir: VARIABLES_DIR,
  stateDir: "/tmp/dms-privatelink-lab-test-state",
};

/** Synthesized Terraform JSON of one stack (snake_case keys, as Terraform reads it). */
export interface SynthesizedStack {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { value: unknown; description?: string }>;
  readonly provider?: Record<string, Array<Record<string, unknown>>>;
  readonly terraform?: Record<string, unknown>;
}

export function shippedDeployment(name: string): Deployment {
  return loadDeployment(join(VARIABLES_DIR, `${name}.json`));
}

/** Reads a shipped deployment file, lets the test change it, and validates the result as a file. */
export function variantDeployment(name: string, change: (file: DeploymentFileInput) => void, fileName = name): Deployment {
  const file = JSON.parse(readShipped(name)) as DeploymentFileInput;
  change(file);
  const directory = mkdtempSync(join(tmpdir(), "lab-variant-"));
  const path = join(directory, `${fileName}.json`);
  writeFileSync(path, JSON.stringify(file));
  return loadDeployment(path);
}

function readShipped(name: string): string {
  return readFileSync(join(VARIABLES_DIR, `${name}.json`), "utf8");
}

export function buildStacks(deployment: Deployment, runtime: RuntimeSettings = TEST_RUNTIME): DeploymentStacks {
  return buildDeployment(Testing.app(), deployment, runtime);
}

const synthesized = new WeakMap<TerraformStack, SynthesizedStack>();

/** A stack's synthesized JSON; each stack is synthesized once, however many tests read it. */
export function synthesize(stack: TerraformStack): SynthesizedStack {
  let synth = synthesized.get(stack);
  if (!synth) {
    synth = JSON.parse(Testing.synth(stack)) as SynthesizedStack;
    synthesized.set(stack, synth);
  }
  return synth;
}

/** The message `build` throws; a test failure when it throws nothing. */
export function errorOf(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected an error, but it was accepted");
}

/** `value`, or a test failure naming what was missing (instead of `value!`). */
export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`expected ${what}, found none`);
  return value;
}

export type ShippedName = "local" | "dev" | "prod";
export const SHIPPED: readonly ShippedName[] = ["local", "dev", "prod"];

/** A shipped deployment's stacks, with each stack's JSON synthesized on first use. */
export interface ShippedFixture {
  readonly deployment: Deployment;
  readonly stacks: DeploymentStacks;
  readonly lab: SynthesizedStack;
  readonly migration: SynthesizedStack;
  /** Undefined when the deployment adopts the account-wide roles. */
  readonly account?: SynthesizedStack;
  /** Undefined unless the deployment keeps its key in `<name>-data` (`encryption.dataKeyStack`). */
  readonly data?: SynthesizedStack;
}

const shippedFixtures = new Map<ShippedName, ShippedFixture>();

/**
 * The shipped deployments, built once per test worker (the unit tier shares one module registry
 * per worker, so every file reads the same stacks) instead of once per file. Tests only read them.
 */
export function shipped(name: ShippedName): ShippedFixture {
  let fixture = shippedFixtures.get(name);
  if (!fixture) {
    const deployment = shippedDeployment(name);
    const stacks = buildStacks(deployment);
    fixture = {
      deployment,
      stacks,
      get lab() {
        return synthesize(stacks.lab);
      },
      get migration() {
        return synthesize(stacks.migration);
      },
      get account() {
        return stacks.account ? synthesize(stacks.account) : undefined;
      },
      get data() {
        return stacks.data ? synthesize(stacks.data) : undefined;
      },
    };
    shippedFixtures.set(name, fixture);
  }
  return fixture;
}

/** All resources of one Terraform type, keyed by logical id. */
export function resourcesOfType(synth: SynthesizedStack, type: string): Record<string, Record<string, unknown>> {
  return synth.resource?.[type] ?? {};
}

export function onlyResourceOfType(synth: SynthesizedStack, type: string): Record<string, unknown> {
  const all = Object.values(resourcesOfType(synth, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** `${aws_vpc.dev-lab_OnPremNetwork_Resource_1234.id}`-style reference to a construct's attribute. */
export function ref(stack: TerraformStack, element: TerraformElement, type: string, attribute: string): string {
  return `\${${type}.${stack.getLogicalId(element)}.${attribute}}`;
}

/**
 * The reference every user of the lab's key holds: the key's `arn` when the lab stack creates it,
 * the alias lookup's `target_key_arn` when `<name>-data` holds the key (`encryption.dataKeyStack`).
 */
export function keyArnRef(lab: LabStack): string {
  const key = lab.encryptionKey;
  return key instanceof KeyLookup ? ref(lab, key.alias, "data.aws_kms_alias", "target_key_arn") : ref(lab, key.key, "aws_kms_key", "arn");
}

/** One statement of an `aws_iam_policy_document` data source, as synthesized. */
export interface PolicyStatement {
  sid?: string;
  actions?: string[];
  resources?: string[];
  principals?: Array<{ type: string; identifiers: string[] }>;
}

/** The resource or data source a `${type.logicalId.attribute}` reference points at. */
export function referenced(synth: SynthesizedStack, reference: unknown): Record<string, unknown> {
  const match = /^\$\{(data\.)?([a-z0-9_]+)\.([^.]+)\.[^}]+\}$/.exec(String(reference));
  if (!match) throw new Error(`not a reference: ${String(reference)}`);
  const [, data, type, logicalId] = match;
  const found = (data ? synth.data : synth.resource)?.[type]?.[logicalId];
  if (!found) throw new Error(`${String(reference)} points at nothing`);
  return found;
}
