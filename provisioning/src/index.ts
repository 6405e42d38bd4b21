/**
 * smartstock-provision: the technician's tool. The package's API (bundles, the cloud client,
 * provisioning a device, AWS IoT policies) and its CLI, whose commands are wired to their flags in
 * cli/wiring/ and do their work in commands/*.ts.
 */
export * from './bundle/index.js';
export { CloudClient, type CloudAuth } from './cloud-client.js';
export { provisionDevice, type DeviceCreated } from './devices/provision.js';
export { devicePolicyDocument, devicePolicyName } from './aws/policy.js';
export { buildProgram, runCli } from './cli/wiring/program.js';
