// What db-ops' `status` operation answers, as the runbook's commands read it.
import type { SourceSlot } from "./cutover-gates";

/** Where db-ops (and DMS, and the application) reach one database. */
export interface DatabaseEndpoint {
  readonly host: string;
  readonly port: number;
  readonly database: string;
}

export interface SideStatus {
  readonly endpoint?: DatabaseEndpoint;
  /** Source only: the tables the cutover froze, `schema.table`. */
  readonly frozenTables?: readonly string[];
  /** Source only. */
  readonly replicationSlots?: readonly SourceSlot[];
}

export interface DatabaseStatus {
  readonly source?: SideStatus;
  readonly target?: SideStatus;
}
