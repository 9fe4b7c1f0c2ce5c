// Physical names and Name tags: one helper so every resource of a deployment is named the same way.

/** `<deployment>-<part>-<part>`: the deployment prefix keeps two deployments apart in one account. */
export function physicalName(deploymentName: string, ...parts: string[]): string {
  return [deploymentName, ...parts].join("-");
}

/** The `Name` tag merged into a resource's own tags (provider default tags add the rest). */
export function nameTag(name: string, tags: Record<string, string> = {}): Record<string, string> {
  return { Name: name, ...tags };
}
