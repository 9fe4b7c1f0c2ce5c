// The lab names the migration stack finds by data-source lookups (stacks/lab-lookup.ts): a plan that changes one makes the migration's plan provisional.
import type { LabNames } from "../../stacks/lab-names";

/** Every name LabLookup passes to a data source, in the order it looks them up. */
export function lookedUpNames(names: LabNames): string[] {
  const side = (role: "source" | "target") => [
    names[role].loadBalancer,
    names[role].targetGroup,
    names[role].interfaceEndpoint,
    names[role].dmsEndpoint,
    names[role].cluster,
  ];
  return [names.keyAlias, names.replicationInstance, ...side("source"), ...side("target")];
}
