// LAB-PUB1: nothing the lab creates is reachable from the internet: databases, the DMS instance, instances and load balancers stay private.
import type { PolicyRule } from "../rule";
import { blocks } from "../synthesized-stack";

const isTrue = (value: unknown) => value === true || value === "true";
const isFalse = (value: unknown) => value === false || value === "false";

export const notPubliclyAccessible: PolicyRule = {
  id: "LAB-PUB1",
  severity: "error",
  title: "Nothing publicly accessible",
  explanation:
    "The lab's point is that DMS reaches both databases through PrivateLink only. A publicly accessible database instance or DMS instance gets a public address and DNS name; an instance with a public IP or an internet-facing load balancer is reachable from anywhere a security group mistake allows. DMS replication instances and EC2 instances take their default from elsewhere (the API's default of true for DMS, the subnet's map_public_ip_on_launch for EC2), so they must say false.",
  fix: "Set publicly_accessible = false (aws_db_instance, aws_rds_cluster_instance, aws_dms_replication_instance), associate_public_ip_address = false (aws_instance, launch template network interfaces) and internal = true (aws_lb).",
  resourceTypes: [
    "aws_db_instance",
    "aws_rds_cluster_instance",
    "aws_dms_replication_instance",
    "aws_instance",
    "aws_launch_template",
    "aws_lb",
  ],
  check(resource) {
    const config = resource.config;
    switch (resource.type) {
      case "aws_db_instance":
      case "aws_rds_cluster_instance":
        return isTrue(config.publicly_accessible) ? ["publicly_accessible is true"] : [];
      case "aws_dms_replication_instance":
        return isFalse(config.publicly_accessible) ? [] : ["publicly_accessible is not false (DMS's default is a public instance)"];
      case "aws_instance":
        return isFalse(config.associate_public_ip_address)
          ? []
          : ["associate_public_ip_address is not false (the subnet's default decides, and may give a public IP)"];
      case "aws_launch_template":
        return blocks(config.network_interfaces).some((networkInterface) => isTrue(networkInterface.associate_public_ip_address))
          ? ["a network interface has associate_public_ip_address = true"]
          : [];
      case "aws_lb":
        return isTrue(config.internal) ? [] : ["internal is not true: the load balancer faces the internet"];
      default:
        return [];
    }
  },
};
