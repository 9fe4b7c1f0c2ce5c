// What moving a deployed lab's key into `<name>-data` must do, decided from the two states' address lists alone.
import { dataStackId } from "./data-stack";
import { labStackId } from "./lab-stack";

/** The outcome of comparing the two states with the addresses the data stack manages. */
export type DataKeyMove =
  /** Every address is in the lab's state and none in the data stack's: `terraform state mv` each to itself. */
  | { readonly kind: "move"; readonly addresses: readonly string[] }
  /** Every address is in the data stack's state and none in the lab's: nothing to do. */
  | { readonly kind: "done"; readonly addresses: readonly string[] }
  /** Neither state holds any: a deployment that never had a key (deploy `<name>-data` first). */
  | { readonly kind: "nothing"; readonly addresses: readonly string[] }
  /** Anything else: the states disagree and a person must look (why, in one sentence). */
  | { readonly kind: "refuse"; readonly reason: string };

/**
 * @param deploymentName e.g. `prod`, for the messages
 * @param keyAddresses every resource address `<name>-data` synthesizes (the key and its alias)
 * @param labState `terraform state list` of `<name>-lab`
 * @param dataState `terraform state list` of `<name>-data` (empty when it was never applied)
 */
export function decideDataKeyMove(
  deploymentName: string,
  keyAddresses: readonly string[],
  labState: readonly string[],
  dataState: readonly string[],
): DataKeyMove {
  const lab = labStackId(deploymentName);
  const data = dataStackId(deploymentName);
  if (keyAddresses.length === 0) return { kind: "refuse", reason: `${data} synthesizes no resource, so there is nothing to move` };
  const inLab = keyAddresses.filter((address) => labState.includes(address));
  const inData = keyAddresses.filter((address) => dataState.includes(address));
  const others = dataState.filter((address) => !keyAddresses.includes(address) && !address.startsWith("data."));
  if (others.length) return { kind: "refuse", reason: `${data}'s state holds ${others.join(", ")}, which ${data} does not manage` };
  if (inLab.length && inData.length) {
    return {
      kind: "refuse",
      reason: `both states hold part of the key (${lab}: ${inLab.join(", ")}; ${data}: ${inData.join(", ")}); did ${data} create a second key? Compare the key ids before removing anything`,
    };
  }
  if (inLab.length === keyAddresses.length) return { kind: "move", addresses: keyAddresses };
  if (inData.length === keyAddresses.length) return { kind: "done", addresses: keyAddresses };
  if (!inLab.length && !inData.length) return { kind: "nothing", addresses: keyAddresses };
  const missing = keyAddresses.filter((address) => !inLab.includes(address) && !inData.includes(address));
  return { kind: "refuse", reason: `${missing.join(", ")} is in neither state while the rest is; the states were changed by hand` };
}
