// KeyLookup: the deployment's key found by alias, giving its users the alias's target ARN.
import { Testing, TerraformOutput, TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { KeyLookup } from "../../constructs/encryption/key-lookup";
import { errorOf, ref } from "../helpers/synth";

describe("KeyLookup", () => {
  it("reads the alias with a data source and hands out its target_key_arn as the key's ARN", () => {
    const stack = new TerraformStack(Testing.app(), "lookup-fixture");
    const lookup = new KeyLookup(stack, "EncryptionKey", { aliasName: "alias/prod-lab" });
    new TerraformOutput(stack, "KeyArn", { value: lookup.keyArn });
    const synth = JSON.parse(Testing.synth(stack)) as {
      data: Record<string, Record<string, { name: string }>>;
      output: Record<string, { value: string }>;
    };
    expect(synth.data.aws_kms_alias[stack.getLogicalId(lookup.alias)].name).toBe("alias/prod-lab");
    expect(synth.output.KeyArn.value).toBe(ref(stack, lookup.alias, "data.aws_kms_alias", "target_key_arn"));
  });

  it("refuses a name that is not an alias, naming the construct and the value", () => {
    const stack = new TerraformStack(Testing.app(), "lookup-fixture");
    expect(errorOf(() => new KeyLookup(stack, "EncryptionKey", { aliasName: "prod-lab" }))).toBe(
      'lookup-fixture/EncryptionKey: aliasName must start with "alias/", got "prod-lab"',
    );
  });
});
