// Lambda entry for db-ops: a Secrets Manager rotation event rotates a DMS secret, `{operation}` runs a named operation.
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { readConfig, type DbOpsConfig } from "./config";
import { defaultConnect, type Connect } from "./connect";
import type { DbOpsContext } from "./context";
import { OPERATION_NAMES, isOperationEvent, runOperation } from "./operations";
import { isRotationEvent, rotate } from "./rotation";
import { Redactor } from "./secrets";

export interface HandlerDeps {
  secretsManager?: SecretsManagerClient;
  /** Opens a connection to one side; tests inject a fake that records statements. @default pg over TLS */
  connect?: Connect;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Receives one JSON document per line. @default console.log */
  writeLine?: (line: string) => void;
}

function describeEventKind(event: unknown): string {
  if (isRotationEvent(event)) return `rotation:${event.Step}`;
  if (isOperationEvent(event)) return event.operation;
  return "unrecognized";
}

/** Builds the handler; tests inject clients, connection factory and environment, the runtime uses the defaults. */
export function createHandler(deps: HandlerDeps = {}): (event: unknown) => Promise<Record<string, unknown>> {
  // Built on first use and kept for warm invocations, so importing the module has no side effects.
  let config: DbOpsConfig | undefined;
  let secretsManager = deps.secretsManager;
  const connect = deps.connect ?? defaultConnect;
  const writeLine = deps.writeLine ?? ((line: string) => console.log(line));

  return async (event) => {
    // Secret values learnt during this invocation are blanked out of everything it logs or throws.
    const redactor = new Redactor();
    const kind = describeEventKind(event);
    const write = (fields: Record<string, unknown>) =>
      writeLine(redactor.redact(JSON.stringify({ msg: "db-ops", event: kind, ...fields })));
    try {
      config ??= readConfig(deps.env ?? process.env);
      secretsManager ??= new SecretsManagerClient({});
      const ctx: DbOpsContext = {
        config,
        secretsManager,
        connect,
        redactor,
        log: (message, fields) => write({ note: message, ...fields }),
      };

      let result: Record<string, unknown>;
      if (isRotationEvent(event)) result = { ...(await rotate(ctx, event)) };
      else if (isOperationEvent(event)) result = { operation: event.operation, ...(await runOperation(ctx, event)) };
      else {
        throw new Error(
          `db-ops expects a Secrets Manager rotation event {Step, SecretId, ClientRequestToken} or {operation}; valid operations: ${OPERATION_NAMES.join(", ")}`,
        );
      }
      write({ result });
      return result;
    } catch (error) {
      // A new error, not the original: the original's message, stack or fields could carry a secret value.
      const name = error instanceof Error ? error.name : "Error";
      const message = redactor.redact(error instanceof Error ? error.message : String(error));
      write({ level: "error", errorName: name, error: message });
      const safe = new Error(message);
      safe.name = name;
      throw safe;
    }
  };
}

export const handler = createHandler();
