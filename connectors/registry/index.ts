import type { z } from 'zod';
import type { Connector, ConnectorDeps, Vendor } from '../contract.js';
import { createSageMakerConnector, sageMakerSecretSchema, sageMakerSettingsSchema } from '../sagemaker/index.js';
import { createMlflowConnector, mlflowSecretSchema, mlflowSettingsSchema } from '../mlflow/index.js';
import { createDataRobotConnector, dataRobotSecretSchema, dataRobotSettingsSchema } from '../datarobot/index.js';
import { createDominoConnector, dominoSecretSchema, dominoSettingsSchema } from '../domino/index.js';
import { SAGEMAKER_CREDENTIAL_PATTERNS, sageMakerCredentialHeaders, type SageMakerSecret } from '../sagemaker/config.js';
import { authorizationHeader, type MlflowSecret } from '../mlflow/config.js';
import { dataRobotAuthHeaders, type DataRobotSecret } from '../datarobot/config.js';
import { dominoAuthHeaders, type DominoSecret } from '../domino/config.js';

/**
 * Vendor → factory and schemas. The engine builds one connector instance per configured source from here;
 * settings and secrets are validated by the vendor's own schemas before they are stored or used. Every worker and
 * listing thread loads this module, so it loads no simulator: those are registered in ./simulators.ts, which only
 * the demo, tests and benchmarks import.
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
  },
};

export function vendorModule(vendor: Vendor): VendorModule {
  const module = modules[vendor];
  if (!module) throw new Error(`unknown vendor ${vendor}`);
  return module;
}

export const vendorModules: readonly VendorModule[] = Object.values(modules);
