// `lab cutover`: freeze the source, drain CDC to a sentinel, verify, carry sequences over, stop, flip db_url; or roll back.
import { GetParameterCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import {
  appDatabaseUrlDescription,
  appDatabaseUrlParameterName,
  appDatabaseUrlValue,
  type AppSide,
} from "../../constructs/cutover/app-database-url-value";
import type { SequencePlan } from "../../functions/db-ops/cutover";
import { databaseOperation, findTask, stop, taskIdentifier, type CommandOptions } from "./commands";
import type { RunbookContext } from "./context";
import { drainGate, rollbackGate, sequencesGate, tasksGate, type Gate } from "./cutover-gates";
import type { DatabaseStatus } from "./database-status";
import { recordPointAppAt } from "./deployment-file";
import { verify } from "./verify";

/** A gate failed: the cutover stops there and says which. */
class Refused extends Error {
  constructor(
    readonly gate: string,
    reason: string,
  ) {
    super(reason);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The db_url value for each side, from where db-ops (in the DMS VPC, like the application) reaches each database. */
export function appUrls(status: DatabaseStatus): Record<AppSide, string> {
  const url = (side: AppSide) => {
    const endpoint = status[side]?.endpoint;
    if (!endpoint) throw new Error(`db-ops did not report the ${side}'s endpoint`);
    return appDatabaseUrlValue(endpoint.host, endpoint.port, endpoint.database);
  };
  return { source: url("source"), target: url("target") };
}

async function currentUrl(context: RunbookContext): Promise<string | undefined> {
  const answer = await context.clients.ssm
    .send(new GetParameterCommand({ Name: appDatabaseUrlParameterName(context.deployment.name) }))
    .catch(() => undefined);
  return answer?.Parameter?.Value;
}

/** Points db_url at `side` with the value and description the migration stack declares for it, and records it in the file. */
async function pointAppAt(context: RunbookContext, side: AppSide, url: string): Promise<void> {
  const name = appDatabaseUrlParameterName(context.deployment.name);
  await context.clients.ssm.send(
    new PutParameterCommand({ Name: name, Value: url, Type: "String", Overwrite: true, Description: appDatabaseUrlDescription(side) }),
  );
  context.say(`db_url: ${name} now ${url}`);
  recordInFile(context, side);
}

/** The deployment file says the same as the parameter, so the migration stack plans no change. */
function recordInFile(context: RunbookContext, side: AppSide): void {
  if (context.deploymentFile) {
    const changed = recordPointAppAt(context.deploymentFile, side);
    context.say(
      changed
        ? `recorded: migration.cutover.pointAppAt = "${side}" in ${context.deploymentFile} (commit it: the migration stack now plans no change)`
        : `${context.deploymentFile} already says pointAppAt "${side}"`,
    );
  }
}

function pass(context: RunbookContext, number: number, name: string, gate: Gate): void {
  if (!gate.pass) throw new Refused(name, gate.reason);
  context.say(`gate ${number}/5 ${name}: ${gate.detail}`);
}

export async function cutover(context: RunbookContext, options: CommandOptions = {}): Promise<number> {
  return options.rollback ? rollback(context) : forward(context, options);
}

async function forward(context: RunbookContext, options: CommandOptions): Promise<number> {
  const { deployment, say } = context;
  const all = deployment.migration.tasks.map((t) => `${deployment.name}-${t.id}`);
  const chosen = options.task ? [taskIdentifier(context, options.task)] : all;
  if (chosen.length === 0) throw new Error(`deployment "${deployment.name}" has no migration tasks to cut over`);
  const status = await databaseOperation<DatabaseStatus>(context, { operation: "status" });
  const urls = appUrls(status);
  if ((await currentUrl(context)) === urls.target) {
    say(`db_url already points at the target (${urls.target}): the cutover is done.`);
    recordInFile(context, "target"); // an earlier run may have stopped before writing it
    return 0;
  }

  let frozen = false;
  try {
    const tasks = await Promise.all(chosen.map(async (identifier) => ({ identifier, task: await findTask(context, identifier) })));
    const others = await Promise.all(
      all
        .filter((identifier) => !chosen.includes(identifier))
        .map(async (identifier) => ({ identifier, status: (await findTask(context, identifier).catch(() => undefined))?.Status })),
    );
    const gate = tasksGate(tasks, others, (status.source?.frozenTables ?? []).length > 0);
    pass(context, 1, "tasks", gate);
    const resuming = gate.pass && gate.resuming === true;

    const freeze = await databaseOperation<{ frozenTables: string[] }>(context, { operation: "freeze" }).catch((error: unknown) => {
      throw new Refused("freeze", error instanceof Error ? error.message : String(error));
    });
    frozen = true;
    pass(context, 2, "freeze", { pass: true, detail: `writes refused on ${freeze.frozenTables.join(", ") || "no table"}` });

    if (resuming) {
      pass(context, 3, "drain", { pass: true, detail: "the tasks stopped after draining in the earlier run; verify checks it again" });
    } else {
      const sentinel = await databaseOperation<{ lsn: string }>(context, { operation: "sentinel" });
      const started = Date.now();
      const deadline = started + (options.timeoutMs ?? 5 * 60_000);
      let drained: Gate;
      for (;;) {
        const slots = (await databaseOperation<DatabaseStatus>(context, { operation: "status" })).source?.replicationSlots ?? [];
        drained = drainGate(slots, sentinel.lsn);
        if (drained.pass || Date.now() > deadline) break;
        await sleep(options.pollMs ?? 1000);
      }
      pass(
        context,
        3,
        "drain",
        drained.pass
          ? { pass: true, detail: `${drained.detail}, ${((Date.now() - started) / 1000).toFixed(1)} s after it was written` }
          : drained,
      );
    }

    for (const identifier of chosen) {
      const id = identifier.slice(deployment.name.length + 1);
      if ((await verify(context, { task: id })) !== 0)
        throw new Refused("verify", `${identifier}: the source and the target differ (the lines above name the tables and keys)`);
    }
    pass(context, 4, "verify", { pass: true, detail: "every table identical" });

    const sequences = await databaseOperation<SequencePlan>(context, { operation: "sequences" });
    pass(context, 5, "sequences", sequencesGate(sequences));
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    say(`Cutover refused at gate "${error.gate}": ${error.message}`);
    if (frozen) {
      const { unfrozenTables } = await databaseOperation<{ unfrozenTables: string[] }>(context, { operation: "unfreeze" });
      say(`The source takes writes again (unfroze ${unfrozenTables.join(", ") || "nothing"}); db_url still points at the source.`);
    }
    return 1;
  }

  for (const identifier of chosen) {
    if (
      (await stop(context, {
        task: identifier.slice(deployment.name.length + 1),
        timeoutMs: options.timeoutMs,
        pollMs: options.pollMs,
      })) !== 0
    ) {
      say(`Cutover stopped: ${identifier} did not stop. The source stays frozen; run cutover again once it has.`);
      return 1;
    }
  }
  await pointAppAt(context, "target", urls.target);
  say("Cutover done: the source is frozen, the tasks are stopped, and the application's db_url names the target.");
  say("Rollback while the slot exists: npm run lab -- cutover --rollback. To end the migration: npm run lab -- stop --final.");
  return 0;
}

async function rollback(context: RunbookContext): Promise<number> {
  const { say } = context;
  const status = await databaseOperation<DatabaseStatus>(context, { operation: "status" });
  const gate = rollbackGate(status.source?.replicationSlots ?? []);
  if (!gate.pass) {
    say(`Rollback refused: ${gate.reason}.`);
    return 1;
  }
  const urls = appUrls(status);
  const { unfrozenTables } = await databaseOperation<{ unfrozenTables: string[] }>(context, { operation: "unfreeze" });
  say(`source: writes open again on ${unfrozenTables.join(", ") || "no frozen table"}; ${gate.detail}`);
  await pointAppAt(context, "source", urls.source);
  say("Rolled back: db_url names the source. Writes made on the target since the cutover are not copied back.");
  say("The tasks stay stopped; `npm run lab -- start` resumes them from the slot, and cutover can run again.");
  return 0;
}
