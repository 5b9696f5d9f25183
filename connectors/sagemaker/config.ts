import { z } from 'zod';

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
export type SageMakerSecret = z.infer<typeof sageMakerSecretSchema>;
