import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderLaunchMaterial } from "../../tools/launch-material/render-launch-material.js";
import { extractUserDataSpec } from "../../src/sources/user-data-shapes.js";
import { type ParameterValues, createdResources, resolveForStack } from "./cloudformation-conditions.js";
import { CLOUDFORMATION, IGNITION_PODS_PATH, REPO, type CloudFormationTemplate, cloudFormationUserData, parseCloudFormation, readRepoFile } from "./launch-material.js";

const template = parseCloudFormation(readRepoFile(CLOUDFORMATION));
const EC2_USER_DATA_LIMIT = 16 * 1024;

/** The template's user-data as tools/render-launch-material.ts would write it now. */
function renderedUserData(): string {
  const result = renderLaunchMaterial((relative) => {
    const path = join(REPO, relative);
    return existsSync(path) ? readFileSync(path) : undefined;
  });
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return cloudFormationUserData(parseCloudFormation(result.files.get(CLOUDFORMATION) ?? ""));
}

// CloudFormation's pseudo parameters ("Pseudo parameters reference").
const PSEUDO_PARAMETERS = [
  "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
  "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
];

interface Reference {
  at: string;
  kind: "Ref" | "GetAtt" | "Sub" | "Condition";
  name: string;
}

/** Every Ref, GetAtt, ${...} inside Sub and condition name (a resource's Condition, the
 * first item of Fn::If, !Condition) in the template, with where it was found. */
function collectReferences(value: unknown, at: string, out: Reference[]): Reference[] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => collectReferences(item, `${at}[${i}]`, out));
  } else if (typeof value === "object" && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === "Ref" && typeof inner === "string") out.push({ at, kind: "Ref", name: inner });
      if (key === "Fn::GetAtt" && Array.isArray(inner)) out.push({ at, kind: "GetAtt", name: String(inner[0]) });
      if (key === "Condition" && typeof inner === "string") out.push({ at, kind: "Condition", name: inner });
      if (key === "Fn::If" && Array.isArray(inner)) out.push({ at, kind: "Condition", name: String(inner[0]) });
      if (key === "Fn::Sub") {
        const [text, variables] = Array.isArray(inner) ? inner : [inner, {}];
        const local = Object.keys((variables ?? {}) as object);
        for (const match of String(text).matchAll(/\$\{(?!!)([^}]+)\}/g)) {
          const name = (match[1] ?? "").split(".")[0] ?? "";
          if (!local.includes(name)) out.push({ at, kind: "Sub", name });
        }
      }
      collectReferences(inner, `${at}.${key}`, out);
    }
  }
  return out;
}

function resolvable(t: CloudFormationTemplate, ref: Reference): boolean {
  const resources = Object.keys(t.Resources);
  const parameters = Object.keys(t.Parameters ?? {});
  if (ref.kind === "GetAtt") return resources.includes(ref.name);
  if (ref.kind === "Condition") return Object.keys(t.Conditions ?? {}).includes(ref.name);
  if (ref.kind === "Sub" && ref.name.includes(".")) return resources.includes(ref.name.split(".")[0] ?? "");
  return resources.includes(ref.name) || parameters.includes(ref.name) || PSEUDO_PARAMETERS.includes(ref.name);
}

describe(CLOUDFORMATION, () => {
  const references = collectReferences(template, "$", []);

  it("parses, short tags included, into a template with resources", () => {
    expect(Object.keys(template.Resources).length).toBeGreaterThan(0);
    expect(references.length).toBeGreaterThan(10);
  });

  it("points every Ref, GetAtt and ${} in Sub to a resource, parameter or pseudo parameter, and every condition name to a condition", () => {
    expect(references.filter((ref) => !resolvable(template, ref))).toEqual([]);
  });

  it("tells the reference check apart from a typo (the check can fail)", () => {
    const broken = parseCloudFormation(
      "Conditions:\n  Real: !Equals [a, b]\nResources:\n  A:\n    Type: AWS::SNS::Topic\n    Condition: Absent\n    Properties:\n" +
        "      TopicName: !Sub '${Nope}-${AWS::Region}'\n      DisplayName: !Ref Missing\n      KmsMasterKeyId: !If [Unknown, x, !Ref AWS::NoValue]\n" +
        "      Tags: !If [Real, [], []]\n",
    );
    const unresolved = collectReferences(broken, "$", []).filter((ref) => !resolvable(broken, ref));
    expect(unresolved.map((ref) => ref.name)).toEqual(["Absent", "Nope", "Missing", "Unknown"]);
  });

  it("takes ImageId as a documented AMI parameter", () => {
    expect(template.Parameters?.ImageId?.Type).toBe("AWS::EC2::Image::Id");
    expect(template.Parameters?.ImageId?.Description).toContain("Flatcar");
  });

  it.each([
    { type: "AWS::EC2::LaunchTemplate" },
    { type: "AWS::AutoScaling::AutoScalingGroup" },
    { type: "AWS::ElasticLoadBalancingV2::LoadBalancer" },
    { type: "AWS::ElasticLoadBalancingV2::TargetGroup" },
    { type: "AWS::ElasticLoadBalancingV2::Listener" },
    { type: "AWS::EC2::SecurityGroup" },
  ])("declares a $type", ({ type }) => {
    expect(Object.values(template.Resources).map((r) => r.Type)).toContain(type);
  });

  it("requires IMDSv2 and exposes instance tags in metadata", () => {
    const data = template.Resources.LaunchTemplate?.Properties?.LaunchTemplateData as Record<string, unknown>;
    expect(data.MetadataOptions).toMatchObject({ HttpEndpoint: "enabled", HttpTokens: "required", InstanceMetadataTags: "enabled" });
    expect(data.ImageId).toEqual({ Ref: "ImageId" });
  });

  it("boots with the committed Ignition for the AWS example as user-data", () => {
    expect(cloudFormationUserData(template)).toBe(readRepoFile("examples/aws/flatcar-nginx.ign"));
  });

  // EC2 takes at most 16 KB of user-data before base64 ("Work with instance user data");
  // Fn::Base64 encodes the literal, so the literal is what counts. Growth in deploy/ must
  // leave room for a bigger pods file: at least 4 KiB stays free.
  it.each([
    { what: "the committed template", userData: () => cloudFormationUserData(template) },
    { what: "a fresh render", userData: () => renderedUserData() },
  ])("leaves at least 4 KiB of EC2's 16 KiB user-data free ($what)", ({ userData }) => {
    expect(Buffer.byteLength(userData())).toBeLessThanOrEqual(EC2_USER_DATA_LIMIT - 4 * 1024);
  });

  it("carries the pods where rower's EC2 source finds them in Ignition user-data", () => {
    const userData = Buffer.from(cloudFormationUserData(template));
    const spec = extractUserDataSpec(userData, { ignitionPath: IGNITION_PODS_PATH, maxBytes: 512 * 1024 });
    expect(spec.kind === "spec" && { shape: spec.shape, text: Buffer.from(spec.bytes).toString("utf8") }).toEqual({
      shape: "ignition",
      text: readRepoFile("examples/aws/nginx-pod.yaml"),
    });
  });

  it("registers the group with the load balancer's target group, health-checked", () => {
    const group = template.Resources.AutoScalingGroup?.Properties ?? {};
    expect(group.TargetGroupARNs).toEqual([{ Ref: "TargetGroup" }]);
    expect(group.HealthCheckType).toBe("ELB");
    expect(template.Resources.TargetGroup?.Properties).toMatchObject({ HealthCheckPath: "/", Port: 80 });
  });

  // SSH is opt-in: docs/aws.md's "Look at an instance" passes these two parameters.
  it.each<{ optional: ParameterValues; keyName: string | undefined; sshIngress: string | undefined }>([
    { optional: {}, keyName: undefined, sshIngress: undefined },
    { optional: { KeyName: "my-key" }, keyName: "my-key", sshIngress: undefined },
    { optional: { SshCidr: "203.0.113.7/32" }, keyName: undefined, sshIngress: "203.0.113.7/32" },
    { optional: { KeyName: "my-key", SshCidr: "203.0.113.7/32" }, keyName: "my-key", sshIngress: "203.0.113.7/32" },
  ])("with $optional: key pair $keyName, SSH from $sshIngress", ({ optional, keyName, sshIngress }) => {
    const parameters: ParameterValues = { ImageId: "ami-0123456789abcdef0", VpcId: "vpc-1", SubnetIds: "subnet-a,subnet-b", ...optional };
    const data = resolveForStack(template, parameters, template.Resources.LaunchTemplate?.Properties?.LaunchTemplateData) as Record<string, unknown>;
    expect(data.KeyName).toBe(keyName);
    // Port-22 rules of the stack, inline in a security group or as separate ingress resources.
    const rules = createdResources(template, parameters).flatMap((name) => {
      const resource = template.Resources[name];
      const properties = resolveForStack(template, parameters, resource?.Properties ?? {}) as Record<string, unknown>;
      if (resource?.Type === "AWS::EC2::SecurityGroup") return (properties.SecurityGroupIngress ?? []) as Record<string, unknown>[];
      return resource?.Type === "AWS::EC2::SecurityGroupIngress" ? [properties] : [];
    });
    const ssh = rules.filter((rule) => rule.FromPort === 22);
    expect(ssh).toEqual(
      sshIngress === undefined
        ? []
        : [expect.objectContaining({ GroupId: { "Fn::GetAtt": ["InstanceSecurityGroup", "GroupId"] }, IpProtocol: "tcp", ToPort: 22, CidrIp: sshIngress })],
    );
  });

  // docs/aws.md's private ECR images: the kubelet's credential provider uses the instance profile.
  it.each<{ optional: ParameterValues; profile: unknown }>([
    { optional: {}, profile: undefined },
    { optional: { InstanceProfile: "rower-node" }, profile: { Name: "rower-node" } },
  ])("with $optional: instance profile $profile", ({ optional, profile }) => {
    const parameters: ParameterValues = { ImageId: "ami-0123456789abcdef0", VpcId: "vpc-1", SubnetIds: "subnet-a,subnet-b", ...optional };
    const data = resolveForStack(template, parameters, template.Resources.LaunchTemplate?.Properties?.LaunchTemplateData) as Record<string, unknown>;
    expect(data.IamInstanceProfile).toEqual(profile);
  });

  // The default instance type is x86_64; Flatcar publishes arm64 AMIs under the same names.
  it("filters every documented AMI lookup by architecture, matching the default instance type", () => {
    const instanceType = (template.Parameters?.InstanceType as { Default?: string } | undefined)?.Default ?? "";
    expect(instanceType).toMatch(/^(t3|t3a|m5|m6i|m7i|c5|c6i)\./); // x86_64 families
    const lookups = [readRepoFile(CLOUDFORMATION), readRepoFile("docs/aws.md")].flatMap((text) =>
      [...text.replace(/\\\n\s*/g, " ").replace(/\n\s+--/g, " --").matchAll(/aws ec2 describe-images[^\n]*/g)].map((m) => m[0]),
    );
    expect(lookups.length).toBeGreaterThanOrEqual(2);
    for (const lookup of lookups) expect(lookup).toMatch(/Name=architecture,Values=x86_64/);
  });

  it.each([
    { value: "", accepted: true },
    { value: "203.0.113.7/32", accepted: true },
    { value: "0.0.0.0/0", accepted: true },
    { value: "203.0.113.7", accepted: false },
    { value: "my-laptop", accepted: false },
  ])("SshCidr $value: accepted $accepted", ({ value, accepted }) => {
    const pattern = (template.Parameters?.SshCidr as { AllowedPattern?: string } | undefined)?.AllowedPattern ?? "";
    expect(new RegExp(pattern).test(value)).toBe(accepted);
  });
});
