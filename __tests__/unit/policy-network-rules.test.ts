// Paired tests for the policy rules on network exposure: open ingress, public access, IMDSv2, DMS endpoint TLS.
import { describe, expect, it } from "vitest";
import { dmsEndpointVerifiesServer } from "../../constructs/policy/rules/dms-endpoint-verifies-server";
import { imdsv2Required } from "../../constructs/policy/rules/imdsv2-required";
import { noOpenIngress } from "../../constructs/policy/rules/no-open-ingress";
import { notPubliclyAccessible } from "../../constructs/policy/rules/not-publicly-accessible";
import { fixtureStack, problems } from "../helpers/policy-fixtures";

describe("LAB-NET1 no ingress from the whole internet", () => {
  it("accepts rules from a security group or an exact CIDR", () => {
    const stack = fixtureStack({
      aws_vpc_security_group_ingress_rule: {
        FromDms: { referenced_security_group_id: "${aws_security_group.Dms.id}", from_port: 5432, to_port: 5432, ip_protocol: "tcp" },
        FromVpc: { cidr_ipv4: "10.0.0.0/16", from_port: 443, to_port: 443, ip_protocol: "tcp" },
      },
      aws_security_group: { Inline: { ingress: [{ cidr_blocks: ["10.1.0.0/24"], from_port: 22, to_port: 22, protocol: "tcp" }] } },
      aws_security_group_rule: { Egress: { type: "egress", cidr_blocks: ["0.0.0.0/0"], from_port: 443, to_port: 443, protocol: "tcp" } },
    });
    expect(problems(noOpenIngress, stack)).toEqual([]);
  });

  it("finds 0.0.0.0/0 and ::/0 in every kind of ingress rule", () => {
    const stack = fixtureStack({
      aws_vpc_security_group_ingress_rule: { OpenV6: { cidr_ipv6: "::/0", from_port: 5432, to_port: 5432, ip_protocol: "tcp" } },
      aws_security_group: {
        Inline: { ingress: [{ cidr_blocks: ["10.1.0.0/24", "0.0.0.0/0"], from_port: 22, to_port: 22, protocol: "tcp" }] },
      },
      aws_security_group_rule: { Ingress: { type: "ingress", cidr_blocks: ["0.0.0.0/0"], from_port: 80, to_port: 80, protocol: "tcp" } },
      aws_default_security_group: { Default: { ingress: { ipv6_cidr_blocks: ["::/0"], from_port: 0, to_port: 0, protocol: "-1" } } },
    });
    expect(problems(noOpenIngress, stack)).toEqual([
      "aws_default_security_group.Default: ingress is open to ::/0",
      "aws_security_group.Inline: ingress is open to 0.0.0.0/0",
      "aws_security_group_rule.Ingress: ingress is open to 0.0.0.0/0",
      "aws_vpc_security_group_ingress_rule.OpenV6: ingress is open to ::/0",
    ]);
  });
});

describe("LAB-PUB1 nothing publicly accessible", () => {
  it("accepts private databases, a private DMS instance, an instance without a public IP and an internal load balancer", () => {
    const stack = fixtureStack({
      aws_rds_cluster_instance: { Writer: { publicly_accessible: false } },
      aws_db_instance: { Single: {} },
      aws_dms_replication_instance: { Dms: { publicly_accessible: false } },
      aws_instance: { Bastion: { associate_public_ip_address: false } },
      aws_lb: { Nlb: { internal: true, load_balancer_type: "network" } },
    });
    expect(problems(notPubliclyAccessible, stack)).toEqual([]);
  });

  it("finds public databases, a DMS instance or EC2 instance that does not say false, and an internet-facing load balancer", () => {
    const stack = fixtureStack({
      aws_rds_cluster_instance: { Writer: { publicly_accessible: true } },
      aws_dms_replication_instance: { Dms: {} },
      aws_instance: { Bastion: {} },
      aws_launch_template: { Template: { network_interfaces: [{ associate_public_ip_address: "true" }] } },
      aws_lb: { Nlb: { load_balancer_type: "network" } },
    });
    expect(problems(notPubliclyAccessible, stack)).toEqual([
      "aws_dms_replication_instance.Dms: publicly_accessible is not false (DMS's default is a public instance)",
      "aws_instance.Bastion: associate_public_ip_address is not false (the subnet's default decides, and may give a public IP)",
      "aws_launch_template.Template: a network interface has associate_public_ip_address = true",
      "aws_lb.Nlb: internal is not true: the load balancer faces the internet",
      "aws_rds_cluster_instance.Writer: publicly_accessible is true",
    ]);
  });
});

describe("LAB-IMDS1 IMDSv2 required", () => {
  it("accepts http_tokens = required on instances and launch templates, and a disabled metadata endpoint", () => {
    const stack = fixtureStack({
      aws_instance: { Bastion: { metadata_options: { http_tokens: "required", http_put_response_hop_limit: 1 } } },
      aws_launch_template: { Template: { metadata_options: { http_endpoint: "disabled" } } },
    });
    expect(problems(imdsv2Required, stack)).toEqual([]);
  });

  it("finds instances that answer IMDSv1 (optional tokens, or no metadata_options at all)", () => {
    const stack = fixtureStack({
      aws_instance: { Optional: { metadata_options: { http_tokens: "optional" } }, Default: {} },
      aws_launch_template: { Template: {} },
    });
    expect(problems(imdsv2Required, stack)).toEqual([
      'aws_instance.Default: metadata_options.http_tokens is not "required" (IMDSv1 answers without a token)',
      'aws_instance.Optional: metadata_options.http_tokens is not "required" (IMDSv1 answers without a token)',
      'aws_launch_template.Template: metadata_options.http_tokens is not "required" (IMDSv1 answers without a token)',
    ]);
  });
});

describe("LAB-DMS1 DMS endpoints verify the server", () => {
  it("accepts verify-ca and verify-full with a certificate, and ignores engines without ssl_mode", () => {
    const stack = fixtureStack({
      aws_dms_endpoint: {
        Source: {
          engine_name: "aurora-postgresql",
          ssl_mode: "verify-ca",
          certificate_arn: "${aws_dms_certificate.RdsCa.certificate_arn}",
        },
        Target: { engine_name: "postgres", ssl_mode: "verify-full", certificate_arn: "${aws_dms_certificate.RdsCa.certificate_arn}" },
        Bucket: { engine_name: "s3" },
      },
    });
    expect(problems(dmsEndpointVerifiesServer, stack)).toEqual([]);
  });

  it("finds require, none, an unset mode and a verifying mode without a CA", () => {
    const stack = fixtureStack({
      aws_dms_endpoint: {
        Require: { engine_name: "aurora-postgresql", ssl_mode: "require" },
        Unset: { engine_name: "postgres" },
        NoCa: { engine_name: "aurora-postgresql", ssl_mode: "verify-ca" },
      },
    });
    expect(problems(dmsEndpointVerifiesServer, stack)).toEqual([
      "aws_dms_endpoint.NoCa: ssl_mode is verify-ca but no certificate_arn names the CA to verify against",
      "aws_dms_endpoint.Require: ssl_mode is require, which does not verify the server",
      "aws_dms_endpoint.Unset: ssl_mode is none, which does not verify the server",
    ]);
  });
});
