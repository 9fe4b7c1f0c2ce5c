// What `/<name>/app/db_url` holds for each side: one formula for the migration stack and the runbook's cutover.

export type AppSide = "source" | "target";

/** `/<deployment>/app/db_url`. */
export function appDatabaseUrlParameterName(deploymentName: string): string {
  return `/${deploymentName}/app/db_url`;
}

/** `postgresql://<host>:<port>/<database>`: no user, no password (credentials stay in Secrets Manager). */
export function appDatabaseUrlValue(host: string, port: number, databaseName: string): string {
  return `postgresql://${host}:${port}/${databaseName}`;
}

/**
 * The parameter's description. The cutover writes it together with the value, so the parameter it leaves is
 * exactly what the migration stack declares for that side and the next plan has nothing to change.
 */
export function appDatabaseUrlDescription(pointsAt: AppSide): string {
  return `Database URL the application uses; points at the ${pointsAt} (flip migration.cutover.pointAppAt to change it)`;
}
