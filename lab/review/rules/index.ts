// Every risk rule of the lab, in the order the rules table lists them.
import { constructMove } from "./construct-move";
import { cutoverFlip } from "./cutover-flip";
import { dataLoss } from "./data-loss";
import { encryptionWeakened } from "./encryption-weakened";
import { endpointReplaced } from "./endpoint-replaced";
import { iamWildcard } from "./iam-wildcard";
import { ingressWidened } from "./ingress-widened";
import { publicAccess } from "./public-access";
import type { RiskRule } from "./rule";
import { targetGroupReplaced } from "./target-group-replaced";
import { taskDisruption } from "./task-disruption";

export const RISK_RULES: readonly RiskRule[] = [
  dataLoss,
  endpointReplaced,
  targetGroupReplaced,
  taskDisruption,
  ingressWidened,
  encryptionWeakened,
  publicAccess,
  iamWildcard,
  cutoverFlip,
  constructMove,
];
