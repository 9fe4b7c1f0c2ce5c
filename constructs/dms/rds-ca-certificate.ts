// The Amazon RDS CA bundle imported into DMS, so DMS endpoints can verify the servers they connect to.
import { DmsCertificate } from "@cdktf/provider-aws/lib/dms-certificate";
import { Construct } from "constructs";
import { sha256Hex, verifiedRdsCaBundle } from "../../certificates/rds-ca-bundle";
import { nameTag } from "../naming";

export interface RdsCaCertificateProps {
  /** Prefix of the DMS certificate identifier, e.g. `dev-rds-ca`; the bundle's hash prefix is appended. */
  readonly name: string;
}

/**
 * `aws_dms_certificate` from the vendored bundle (certificates/). DMS cannot modify a certificate, so a
 * new bundle is a new certificate: its identifier carries the bundle's hash, and the new one is created
 * (and the endpoints moved to it) before the old one is deleted, which DMS refuses while an endpoint uses it.
 */
export class RdsCaCertificate extends Construct {
  readonly certificate: DmsCertificate;
  readonly certificateArn: string;
  /** SHA-256 of the imported PEM text. */
  readonly bundleSha256: string;

  constructor(scope: Construct, id: string, props: RdsCaCertificateProps) {
    super(scope, id);
    const pem = verifiedRdsCaBundle();
    this.bundleSha256 = sha256Hex(pem);
    const certificateId = `${props.name}-${this.bundleSha256.slice(0, 8)}`;
    this.certificate = new DmsCertificate(this, "Resource", {
      certificateId,
      certificatePem: pem,
      lifecycle: { createBeforeDestroy: true },
      tags: nameTag(certificateId),
    });
    this.certificateArn = this.certificate.certificateArn;
  }
}
