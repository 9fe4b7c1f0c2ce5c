// Moved blocks from the first layout of the lab stack, so a deployed lab keeps its databases across the regrouping.
import { Aspects, TerraformResource, TerraformStack, type IAspect } from "cdktf";
// cdktf's own logical-id function (0.21 is its final release): the old ids are computed exactly as cdktf made them.
import { makeUniqueId } from "cdktf/lib/private/unique";
import type { IConstruct } from "constructs";
import type { DatabaseSide } from "../constructs/database/database-side";

/**
 * Each side's parts were children of the stack, named after their side (`SourceDatabase`,
 * `SourcePrivateLink`, ...). They are now children of one `DatabaseSide` (`Source/Database`, ...), which
 * gives every resource below them a new Terraform address. Without these moves Terraform would
 * destroy and recreate the clusters, endpoint services and secrets of every deployed lab.
 */
const SIDE_PARTS = ["Database", "PrivateLink", "WriterSync", "Secret", "Endpoint"];

/**
 * Adds `moved { from = <old address> }` to every resource below the side, at synth (so rules added
 * later count too). The side's id (`Source`, `Target`) was the prefix of its parts' old ids.
 */
export function moveFromFlatLayout(side: DatabaseSide): void {
  Aspects.of(side).add(new MoveFromFlatLayout());
}

class MoveFromFlatLayout implements IAspect {
  /** A stack may be synthesized more than once (tests do); each resource gets its move once. */
  private readonly moved = new WeakSet<TerraformResource>();

  visit(node: IConstruct): void {
    if (!TerraformResource.isTerraformResource(node)) return;
    const resource = node as TerraformResource;
    if (this.moved.has(resource)) return;
    this.moved.add(resource);
    const stack = TerraformStack.of(resource);
    const components = resource.node.scopes.slice(resource.node.scopes.indexOf(stack) + 1).map((scope) => scope.node.id);
    const [sideId, partId, ...rest] = components;
    // Parts added after the regrouping never had another address.
    if (!SIDE_PARTS.includes(partId)) return;
    resource.moveFromId(`${resource.terraformResourceType}.${makeUniqueId([`${sideId}${partId}`, ...rest])}`);
  }
}
