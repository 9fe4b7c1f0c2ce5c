// The CDKTF app: one set of stacks for every deployment file in variables/.
import { App } from "cdktf";
import { applyPolicyPack } from "./constructs/policy/policy-aspect";
import { buildLab } from "./stacks/build-lab";
import { DeploymentFileError } from "./variables/load";
import { readRuntimeSettings } from "./variables/runtime";

const app = new App();
try {
  buildLab(app, readRuntimeSettings());
} catch (error) {
  // A bad deployment file is the user's to fix: say what and where, without a stack trace.
  if (error instanceof DeploymentFileError) {
    console.error(`Invalid deployment file: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
// The policy pack runs on every stack the app holds at this point, whoever added it above: an
// unsuppressed error fails synth with the rule, the construct path and the fix.
applyPolicyPack(app);
app.synth();
