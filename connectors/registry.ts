import type { z } from 'zod';
import type { Connector, ConnectorDeps, Vendor } from './contract.js';
import type { SimulatorHandle, SimulatorOptions } from './shared/simulator-kit.js';
import { createSageMakerConnector, sageMakerSecretSchema, sageMakerSettingsSchema } from './sagemaker/index.js';
import { startSageMakerSimulator } from './sagemaker/simulator.js';
import { createMlflowConnector, mlflowSecretSchema, mlflowSettingsSchema } from './mlflow/index.js';
import { startMlflowSimulator } from './mlflow/simulator.js';
import { createDataRobotConnector, dataRobotSecretSchema, dataRobotSettingsSchema } from './datarobot/index.js';
import { startDataRobotSimulator } from './datarobot/simulator.js';
import { createDominoConnector, dominoSecretSchema, dominoSettingsSchema } from './domino/index.js';
import { startDominoSimulator } from './domino/simulator.js';
import { SAGEMAKER_CREDENTIAL_PATTERNS, sageMakerCredentialHeaders, type SageMakerSecret } from './sagemaker/config.js';
import { authorizationHeader, type MlflowSecret } from './mlflow/config.js';
import { dataRobotAuthHeaders, type DataRobotSecret } from './datarobot/config.js';
import { dominoAuthHeaders, type DominoSecret } from './domino/config.js';

/**
 * Vendor → factory and schemas. The engine builds one connector instance per configured source from here;
 * settings and secrets are validated by the vendor's own schemas before they are stored or used.
 */
export interface VendorModule {
  vendor: Vendor;
  /** Human name for messages and the UI. */
  label: string;
  settingsSchema: z.ZodType<Record<string, unknown>>;
  /** Validates a secret; `null` means "no secret" and is valid only where the vendor allows it. */
  secretSchema: z.ZodType<Record<string, unknown> | null>;
  /** Setting keys that hold URLs (checked against the outbound URL policy). */
  urlSettings: string[];
  /** Setting keys that decide where the credential is sent: changing one needs the secret again (docs/security.md). */
  credentialSettings: string[];
  /** The header values the connector sends for a valid secret, so that vendor text quoting them can be scrubbed. */
  credentialHeaders(secret: Record<string, unknown> | null): Record<string, string>;
  /** Text that carries this vendor's credentials whatever the source's secret; scrubbed from vendor text. */
  credentialPatterns: readonly RegExp[];
  create(settings: Record<string, unknown>, secret: Record<string, unknown> | null, deps: ConnectorDeps): Connector;
  /** The vendor's simulator, for tests, benchmarks and the demo. */
  startSimulator(options: SimulatorOptions): Promise<SimulatorHandle>;
  /** Settings and secret that point a connector at a running simulator. */
  simulatorSource(handle: SimulatorHandle, credential: string): { settings: Record<string, unknown>; secret: Record<string, unknown> };
}

const modules: Record<Vendor, VendorModule> = {
  sagemaker: {
    vendor: 'sagemaker',
    label: 'AWS SageMaker',
    settingsSchema: sageMakerSettingsSchema as never,
    secretSchema: sageMakerSecretSchema as never,
    urlSettings: ['endpoint'],
    credentialSettings: ['region', 'endpoint'],
    credentialHeaders: (secret) => sageMakerCredentialHeaders(secret as SageMakerSecret),
    credentialPatterns: SAGEMAKER_CREDENTIAL_PATTERNS,
    create: (settings, secret, deps) => createSageMakerConnector(settings as never, secret as never, deps),
    startSimulator: startSageMakerSimulator,
    simulatorSource: (handle, credential) => ({
      settings: { region: 'us-east-1', endpoint: handle.url },
      secret: { accessKeyId: credential, secretAccessKey: 'simulator-secret' },
    }),
  },
  mlflow: {
    vendor: 'mlflow',
    label: 'MLflow',
    settingsSchema: mlflowSettingsSchema as never,
    secretSchema: mlflowSecretSchema as never,
    urlSettings: ['trackingUri'],
    credentialSettings: ['trackingUri'],
    credentialHeaders: (secret) => authorizationHeader(secret as MlflowSecret),
    credentialPatterns: [],
    create: (settings, secret, deps) => createMlflowConnector(settings as never, secret as never, deps),
    startSimulator: startMlflowSimulator,
    simulatorSource: (handle, credential) => ({ settings: { trackingUri: handle.url }, secret: { token: credential } }),
  },
  datarobot: {
    vendor: 'datarobot',
    label: 'DataRobot',
    settingsSchema: dataRobotSettingsSchema as never,
    secretSchema: dataRobotSecretSchema as never,
    urlSettings: ['endpoint'],
    credentialSettings: ['endpoint'],
    credentialHeaders: (secret) => dataRobotAuthHeaders(secret as DataRobotSecret),
    credentialPatterns: [],
    create: (settings, secret, deps) => createDataRobotConnector(settings as never, secret as never, deps),
    startSimulator: startDataRobotSimulator,
    simulatorSource: (handle, credential) => ({ settings: { endpoint: `${handle.url}/api/v2` }, secret: { apiToken: credential } }),
  },
  domino: {
    vendor: 'domino',
    label: 'Domino Data Lab',
    settingsSchema: dominoSettingsSchema as never,
    secretSchema: dominoSecretSchema as never,
    urlSettings: ['host'],
    credentialSettings: ['host'],
    credentialHeaders: (secret) => dominoAuthHeaders(secret as DominoSecret),
    credentialPatterns: [],
    create: (settings, secret, deps) => createDominoConnector(settings as never, secret as never, deps),
    startSimulator: startDominoSimulator,
    simulatorSource: (handle, credential) => ({ settings: { host: handle.url }, secret: { apiKey: credential } }),
  },
};

export function vendorModule(vendor: Vendor): VendorModule {
  const module = modules[vendor];
  if (!module) throw new Error(`unknown vendor ${vendor}`);
  return module;
}

export const vendorModules: readonly VendorModule[] = Object.values(modules);
