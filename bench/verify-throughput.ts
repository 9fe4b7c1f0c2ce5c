// Benchmark: `lab verify`'s digest throughput on the running local lab (npm start first).
// Seeds `--rows` (default 1,000,000) rows of demo_schema.demo_orders on the source, then times the db-ops
// function's table digest of that table, as verify runs it per side, and prints rows per second.
import { databaseOperation, seed } from "../lab/runbook/commands";
import { createContext, loadNamedDeployment } from "../lab/runbook/context";
import type { TableDigest } from "../lab/runbook/verify";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const rowsArg = process.argv.find((arg) => arg.startsWith("--rows="));
const rows = rowsArg ? Number(rowsArg.slice("--rows=".length)) : 1_000_000;

async function main(): Promise<void> {
  const context = createContext(loadNamedDeployment("local"), () => undefined);
  const seeded = performance.now();
  await seed(context, { rows });
  const seedSeconds = (performance.now() - seeded) / 1000;
  const runs: number[] = [];
  let digest: TableDigest | undefined;
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now();
    digest = await databaseOperation<TableDigest>(context, {
      operation: "table-digest",
      side: "source",
      schema: "demo_schema",
      table: "demo_orders",
    });
    runs.push((performance.now() - started) / 1000);
  }
  const best = Math.min(...runs);
  console.log(`seed to ${rows} rows: ${seedSeconds.toFixed(1)} s`);
  console.log(
    `table digest of demo_orders (${digest?.rows ?? 0} rows, ${digest?.chunks.length ?? 0} chunks), 3 runs: ${runs.map((s) => s.toFixed(2)).join(" s, ")} s`,
  );
  console.log(
    `throughput (best run, one side, including the function's invocation): ${Math.round((digest?.rows ?? 0) / best).toLocaleString("en-US")} rows/s`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
