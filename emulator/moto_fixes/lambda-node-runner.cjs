// Runs one Lambda invocation of a nodejs handler for the emulator (moto_fixes/awslambda.py): argv = task dir, handler, result file; event on stdin.
const path = require("path");
const fs = require("fs");
const { pathToFileURL } = require("url");
const [taskDir, handlerSpec, resultFile] = process.argv.slice(2);
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => {
  input += d;
});
process.stdin.on("end", async () => {
  const write = (obj) => fs.writeFileSync(resultFile, JSON.stringify(obj === undefined ? null : obj));
  try {
    const dot = handlerSpec.lastIndexOf(".");
    const modName = handlerSpec.slice(0, dot),
      fnName = handlerSpec.slice(dot + 1);
    const base = path.resolve(taskDir, modName);
    const file = [".js", ".mjs", ".cjs"].map((e) => base + e).find((f) => fs.existsSync(f));
    if (!file) throw Object.assign(new Error(`Cannot find module '${modName}'`), { name: "Runtime.ImportModuleError" });
    const mod = await import(pathToFileURL(file).href);
    const handler = mod[fnName] || (mod.default && mod.default[fnName]);
    if (typeof handler !== "function") {
      const notFound = new Error(`${handlerSpec} is undefined or not exported`);
      throw Object.assign(notFound, { name: "Runtime.HandlerNotFound" });
    }
    const deadline = Date.now() + Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT || 3) * 1000;
    const context = {
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      awsRequestId: process.env.EMU_REQUEST_ID,
      invokedFunctionArn: process.env.EMU_FUNCTION_ARN,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    const event = input ? JSON.parse(input) : {};
    const result = await new Promise((resolve, reject) => {
      const r = handler(event, context, (err, val) => (err ? reject(err) : resolve(val)));
      if (r && typeof r.then === "function") r.then(resolve, reject);
    });
    write(result);
    process.exit(0);
  } catch (err) {
    write({
      errorType: (err && err.name) || "Error",
      errorMessage: String((err && err.message) || err),
      trace: String((err && err.stack) || "").split("\n"),
    });
    process.exit(1);
  }
});
