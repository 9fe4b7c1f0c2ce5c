// Every rule of the policy pack, in the order findings are reported.
import type { PolicyRule } from "./rule";
import { dataStoreCustomerKey } from "./rules/data-store-customer-key";
import { dmsEndpointVerifiesServer } from "./rules/dms-endpoint-verifies-server";
import { iamNoWildcards } from "./rules/iam-no-wildcards";
import { imdsv2Required } from "./rules/imdsv2-required";
import { logGroupCustomerKey } from "./rules/log-group-customer-key";
import { logRetentionSet } from "./rules/log-retention-set";
import { masterPasswordManaged } from "./rules/master-password-managed";
import { noOpenIngress } from "./rules/no-open-ingress";
import { notPubliclyAccessible } from "./rules/not-publicly-accessible";
import { productionDeletionProtection } from "./rules/production-deletion-protection";
import { productionFinalSnapshot } from "./rules/production-final-snapshot";
import { productionRefusesDestroy } from "./rules/production-refuses-destroy";
import { secretCustomerKey } from "./rules/secret-customer-key";
import { secretRotated } from "./rules/secret-rotated";
import { serviceTrustConfusedDeputy } from "./rules/service-trust-confused-deputy";
import { topicCustomerKey } from "./rules/topic-customer-key";
import { volumeCustomerKey } from "./rules/volume-customer-key";

export const ALL_RULES: readonly PolicyRule[] = [
  noOpenIngress,
  notPubliclyAccessible,
  dataStoreCustomerKey,
  logGroupCustomerKey,
  topicCustomerKey,
  secretCustomerKey,
  volumeCustomerKey,
  dmsEndpointVerifiesServer,
  imdsv2Required,
  iamNoWildcards,
  serviceTrustConfusedDeputy,
  logRetentionSet,
  secretRotated,
  masterPasswordManaged,
  productionDeletionProtection,
  productionFinalSnapshot,
  productionRefusesDestroy,
];

export function ruleById(id: string): PolicyRule | undefined {
  return ALL_RULES.find((rule) => rule.id === id);
}
