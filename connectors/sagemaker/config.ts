import { z } from 'zod';
import { environmentRuleSchema } from '../shared/environment.js';

/**
 * Settings and secret of a SageMaker source. Validated before they are stored or used.
 * `endpoint` replaces the AWS URL (`https://api.sagemaker.<region>.amazonaws.com`): a VPC endpoint, a proxy
 * or the loopback simulator.
 */
export const sageMakerSettingsSchema = z
  .object({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as us-east-1'),
    endpoint: z
      .url({ protocol: /^https?$/, message: 'an http(s) URL' })
      .optional(),
    /** How each endpoint's environment is decided (connectors/shared/environment.ts); the default rule when absent. */
    environmentRule: environmentRuleSchema.optional(),
  })
  .strict();

/**
 * Static AWS credentials, or `null` to use the SDK's default credential chain (environment, instance or task
 * role, web identity) of the process running the hub.
 */
export const sageMakerSecretSchema = z
  .object({
    accessKeyId: z.string().min(1).max(128),
    secretAccessKey: z.string().min(1),
    sessionToken: z.string().min(1).optional(),
  })
  .strict()
  .nullable();

export type SageMakerSettings = z.infer<typeof sageMakerSettingsSchema>;
/** Settings as stored / entered (the environment rule's defaults not applied yet). */
export type SageMakerSettingsInput = z.input<typeof sageMakerSettingsSchema>;
export type SageMakerSecret = z.infer<typeof sageMakerSecretSchema>;

/** The header that carries a session token; the rest of the credential is signed into `Authorization` per request. */
export function sageMakerCredentialHeaders(secret: SageMakerSecret): Record<string, string> {
  return secret?.sessionToken ? { 'x-amz-security-token': secret.sessionToken } : {};
}

/**
 * Where AWS credentials show in text whatever the source's secret (with no secret the SDK signs with the hub's own
 * identity): a SigV4 signature, the access key id of a `Credential=` scope, a security token (AWS's own
 * InvalidSignatureException quotes it in the canonical request).
 */
export const SAGEMAKER_CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /(?<=Signature=)[0-9a-f]{64}/gi,
  /(?<=Credential=)[A-Z0-9]{16,128}(?=\/)/g,
  /(?<=x-amz-security-token["']?\s*[:=]\s*["']?)[A-Za-z0-9+/=%]{16,}/gi,
];
