// What a planned change does to the object behind an address, read from ALL of Terraform's actions (not the first).

/** `replace` covers both orders Terraform writes: destroy-then-create and create-before-destroy. */
export type ChangeKind = "create" | "update" | "replace" | "delete" | "forget" | "read" | "no-op";

export function changeKind(actions: readonly string[]): ChangeKind {
  const key = actions.join(",");
  switch (key) {
    case "create":
    case "update":
    case "delete":
    case "forget":
    case "read":
    case "no-op":
      return key;
    case "delete,create":
    case "create,delete":
      return "replace";
    default:
      throw new Error(`unknown Terraform action list [${actions.join(", ")}]`);
  }
}

/** Kinds that remove the object now behind the address (its data with it). */
export function removesObject(kind: ChangeKind): boolean {
  return kind === "replace" || kind === "delete";
}
