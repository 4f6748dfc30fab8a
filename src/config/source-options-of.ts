// What a source needs from the configuration: one mapping, used by the daemon and by
// `rower diff` so both read the metadata the same way.
import type { SourceLog, SourceOptions } from "../sources/source-options.js";
import type { Config } from "./config.js";

export function sourceOptionsOf(config: Config, log?: SourceLog): SourceOptions {
  const options: SourceOptions = {
    key: config.key,
    ec2MetadataDisabled: config.ec2MetadataDisabled,
    pollIntervalMs: config.pollIntervalMs,
    maxBytes: config.maxBytes,
    projectFallback: config.projectFallback,
    imdsv1: config.imdsv1,
    ignitionPath: config.ignitionPath,
    signatures: config.trust.length > 0,
  };
  if (log !== undefined) options.log = log;
  if (config.metadataEndpoint !== undefined) options.endpoint = config.metadataEndpoint;
  if (config.gceMetadataHost !== undefined) options.gceMetadataHost = config.gceMetadataHost;
  if (config.ec2MetadataEndpoint !== undefined) options.ec2MetadataEndpoint = config.ec2MetadataEndpoint;
  if (config.azureMetadataEndpoint !== undefined) options.azureMetadataEndpoint = config.azureMetadataEndpoint;
  return options;
}
