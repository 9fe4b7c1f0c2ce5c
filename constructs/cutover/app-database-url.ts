// The SSM parameter an application reads its database URL from; flipping it from source to target is the cutover.
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Construct } from "constructs";
import { nameTag } from "../naming";
import { appDatabaseUrlDescription, appDatabaseUrlValue } from "./app-database-url-value";

export interface AppDatabaseUrlProps {
  /** Parameter name, e.g. `/dev/app/db_url`. */
  readonly name: string;
  /** Which side the URL points at, for the description. */
  readonly pointsAt: "source" | "target";
  /** Host the application connects to. */
  readonly host: string;
  /** @default 5432 */
  readonly port?: number;
  readonly databaseName: string;
}

/**
 * `postgresql://<host>:<port>/<database>` with no user or password: credentials stay in Secrets
 * Manager, so the parameter is a plain String and its value may show in plans and state.
 */
export class AppDatabaseUrl extends Construct {
  readonly parameter: SsmParameter;
  readonly parameterName: string;
  readonly url: string;

  constructor(scope: Construct, id: string, props: AppDatabaseUrlProps) {
    super(scope, id);
    this.url = appDatabaseUrlValue(props.host, props.port ?? 5432, props.databaseName);
    this.parameterName = props.name;
    this.parameter = new SsmParameter(this, "Resource", {
      name: props.name,
      description: appDatabaseUrlDescription(props.pointsAt),
      type: "String",
      // insecure_value is not marked sensitive, so the plan of a cutover shows the old and the new host.
      insecureValue: this.url,
      tags: nameTag(props.name),
    });
  }
}
