// Baseline for bench/synth.mjs: the smallest useful cdktf app (one stack, one deep-imported resource).
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { App, TerraformStack } from "cdktf";

const app = new App();
const stack = new TerraformStack(app, "minimal");
new AwsProvider(stack, "aws", { region: "us-east-1" });
new Vpc(stack, "Vpc", { cidrBlock: "10.0.0.0/16" });
app.synth();
