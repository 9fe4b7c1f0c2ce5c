// Paired tests for the policy rules on encryption with a customer managed key: data stores, log groups, topics, secrets, volumes.
import { describe, expect, it } from "vitest";
import { dataStoreCustomerKey } from "../../constructs/policy/rules/data-store-customer-key";
import { logGroupCustomerKey } from "../../constructs/policy/rules/log-group-customer-key";
import { secretCustomerKey } from "../../constructs/policy/rules/secret-customer-key";
import { topicCustomerKey } from "../../constructs/policy/rules/topic-customer-key";
import { volumeCustomerKey } from "../../constructs/policy/rules/volume-customer-key";
import { fixtureStack, KEY, KEY_ARN, problems } from "../helpers/policy-fixtures";

describe("LAB-ENC1 data stores encrypted with a customer managed key", () => {
  it("accepts clusters, instances and DMS instances encrypted with the stack's key", () => {
    const stack = fixtureStack({
      ...KEY,
      aws_rds_cluster: {
        Source: { storage_encrypted: true, kms_key_id: KEY_ARN, manage_master_user_password: true, master_user_secret_kms_key_id: KEY_ARN },
      },
      aws_db_instance: { Single: { storage_encrypted: true, kms_key_id: KEY_ARN } },
      aws_dms_replication_instance: { Dms: { kms_key_arn: KEY_ARN } },
    });
    expect(problems(dataStoreCustomerKey, stack)).toEqual([]);
  });

  it("finds unencrypted storage, AWS's own keys, an AWS managed alias and a reference to something that is not a key", () => {
    const stack = fixtureStack(
      {
        aws_rds_cluster: {
          Plain: { storage_encrypted: false },
          AwsManagedSecret: {
            storage_encrypted: true,
            kms_key_id: "${data.aws_kms_alias.Rds.target_key_arn}",
            manage_master_user_password: true,
          },
        },
        aws_dms_replication_instance: { Dms: { kms_key_arn: "${aws_sns_topic.Topic.arn}" } },
        aws_sns_topic: { Topic: {} },
      },
      { data: { aws_kms_alias: { Rds: { name: "alias/aws/rds" } } } },
    );
    expect(problems(dataStoreCustomerKey, stack)).toEqual([
      "aws_dms_replication_instance.Dms: kms_key_arn: the key refers to aws_sns_topic.Topic, which is not a KMS key",
      "aws_rds_cluster.AwsManagedSecret: kms_key_id: the key alias/aws/rds is AWS managed",
      "aws_rds_cluster.AwsManagedSecret: master_user_secret_kms_key_id: no key is set, so AWS's own key is used",
      "aws_rds_cluster.Plain: kms_key_id: no key is set, so AWS's own key is used",
      "aws_rds_cluster.Plain: storage_encrypted is not true",
    ]);
  });
});

describe("LAB-ENC2 log groups encrypted with a customer managed key", () => {
  it("accepts a key of the stack, a key found by a customer alias and a literal key ARN", () => {
    const stack = fixtureStack(
      {
        ...KEY,
        aws_cloudwatch_log_group: {
          Own: { kms_key_id: KEY_ARN },
          ByAlias: { kms_key_id: "${data.aws_kms_alias.Lab.target_key_arn}" },
          Literal: { kms_key_id: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
        },
      },
      { data: { aws_kms_alias: { Lab: { name: "alias/prod-lab" } } } },
    );
    expect(problems(logGroupCustomerKey, stack)).toEqual([]);
  });

  it("finds a log group without a key", () => {
    const stack = fixtureStack({ aws_cloudwatch_log_group: { Plain: { retention_in_days: 7 } } });
    expect(problems(logGroupCustomerKey, stack)).toEqual([
      "aws_cloudwatch_log_group.Plain: kms_key_id: no key is set, so AWS's own key is used",
    ]);
  });
});

describe("LAB-ENC3 SNS topics encrypted with a customer managed key", () => {
  it("accepts a topic encrypted with the stack's key", () => {
    expect(problems(topicCustomerKey, fixtureStack({ ...KEY, aws_sns_topic: { Alarms: { kms_master_key_id: KEY_ARN } } }))).toEqual([]);
  });

  it("finds a topic without a key and one with alias/aws/sns", () => {
    const stack = fixtureStack({ aws_sns_topic: { Plain: {}, AwsManaged: { kms_master_key_id: "alias/aws/sns" } } });
    expect(problems(topicCustomerKey, stack)).toEqual([
      "aws_sns_topic.AwsManaged: kms_master_key_id: the key alias/aws/sns is AWS managed",
      "aws_sns_topic.Plain: kms_master_key_id: no key is set, so AWS's own key is used",
    ]);
  });
});

describe("LAB-ENC4 secrets encrypted with a customer managed key", () => {
  it("accepts a secret encrypted with the stack's key", () => {
    expect(problems(secretCustomerKey, fixtureStack({ ...KEY, aws_secretsmanager_secret: { Dms: { kms_key_id: KEY_ARN } } }))).toEqual([]);
  });

  it("finds a secret encrypted with aws/secretsmanager", () => {
    const stack = fixtureStack({ aws_secretsmanager_secret: { Dms: { name: "dev/dms/source" } } });
    expect(problems(secretCustomerKey, stack)).toEqual([
      "aws_secretsmanager_secret.Dms: kms_key_id: no key is set, so AWS's own key is used",
    ]);
  });
});

describe("LAB-ENC5 EBS volumes encrypted with a customer managed key", () => {
  it("accepts instance, launch template and standalone volumes encrypted with the stack's key", () => {
    const encrypted = { encrypted: true, kms_key_id: KEY_ARN };
    const stack = fixtureStack({
      ...KEY,
      aws_instance: { Bastion: { root_block_device: encrypted, ebs_block_device: [{ device_name: "/dev/sdf", ...encrypted }] } },
      aws_launch_template: { Template: { block_device_mappings: [{ device_name: "/dev/xvda", ebs: encrypted }] } },
      aws_ebs_volume: { Data: encrypted },
    });
    expect(problems(volumeCustomerKey, stack)).toEqual([]);
  });

  it("finds an instance without a root_block_device, unencrypted volumes and volumes on AWS's key", () => {
    const stack = fixtureStack({
      aws_instance: { Default: {}, Plain: { root_block_device: { encrypted: false } } },
      aws_launch_template: { Template: { block_device_mappings: [{ device_name: "/dev/xvda", ebs: { encrypted: true } }] } },
    });
    expect(problems(volumeCustomerKey, stack)).toEqual([
      "aws_instance.Default: root_block_device is not set, so the root volume follows the account's default encryption",
      "aws_instance.Plain: root_block_device: encrypted is not true",
      "aws_instance.Plain: root_block_device: kms_key_id: no key is set, so AWS's own key is used",
      "aws_launch_template.Template: block_device_mappings /dev/xvda: kms_key_id: no key is set, so AWS's own key is used",
    ]);
  });
});
