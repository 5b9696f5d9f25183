import { z } from 'zod';
import { environmentRuleSchema } from '../shared/environment.js';

/**
 * Settings of one DataRobot source. `endpoint` is the public API root including `/api/v2`
 * (`https://app.datarobot.com/api/v2`, `https://app.eu.datarobot.com/api/v2`, `https://<on-prem host>/api/v2`).
 */
export const dataRobotSettingsSchema = z.object({
  endpoint: z
    .string()
    .trim()
    .pipe(z.url({ protocol: /^https?$/, error: 'endpoint must be an http(s) URL such as https://app.datarobot.com/api/v2' }))
    .transform((url) => url.replace(/\/+$/, '')),
  /** How each deployment's environment is decided (connectors/shared/environment.ts); the default rule when absent. */
  environmentRule: environmentRuleSchema.optional(),
});
export type DataRobotSettings = z.infer<typeof dataRobotSettingsSchema>;
/** Settings as stored / entered (the environment rule's defaults not applied yet). */
export type DataRobotSettingsInput = z.input<typeof dataRobotSettingsSchema>;

/** DataRobot always needs an API token (sent as `Authorization: Bearer`); a source without one is invalid. */
export const dataRobotSecretSchema = z.object({
  apiToken: z.string().trim().min(1, 'apiToken is required'),
});
export type DataRobotSecret = z.infer<typeof dataRobotSecretSchema>;

/** The request headers that carry the credential. */
export function dataRobotAuthHeaders(secret: DataRobotSecret): Record<string, string> {
  return { authorization: `Bearer ${secret.apiToken}` };
}

/** Records per page the connector asks for, and the largest page the simulator serves. */
export const DATAROBOT_MAX_PAGE_SIZE = 100;

/**
 * The web UI lives on the same host as the API, without the `/api/v2` suffix; deep links are built from it.
 */
export function uiBaseFromEndpoint(endpoint: string): string {
  const url = new URL(endpoint);
  url.pathname = url.pathname.replace(/\/api\/v2\/?$/, '').replace(/\/+$/, '');
  url.search = '';
  return url.toString().replace(/\/+$/, '');
}
