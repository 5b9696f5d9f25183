import { z } from 'zod';
import { environmentRuleSchema } from '../shared/environment.js';

/** Non-secret settings of a Domino source: the Domino host the API lives under (`DOMINO_API_HOST`). */
export const dominoSettingsSchema = z.object({
  /** e.g. `https://domino.example.com`; API paths (`/api/...`) are resolved under it. */
  host: z.url({ protocol: /^https?$/, error: 'host must be an http(s) URL such as https://domino.example.com' }),
  /** How each Model API's environment is decided (connectors/shared/environment.ts); the default rule when absent. */
  environmentRule: environmentRuleSchema.optional(),
});
export type DominoSettings = z.infer<typeof dominoSettingsSchema>;
/** Settings as stored / entered (the environment rule's defaults not applied yet). */
export type DominoSettingsInput = z.input<typeof dominoSettingsSchema>;

/**
 * The credential: a user API key (sent as `X-Domino-Api-Key`) or a bearer token (personal access or service-account
 * token, sent as `Authorization: Bearer`). Exactly one; Domino has no anonymous API, so `null` is rejected.
 */
export const dominoSecretSchema = z
  .strictObject({
    apiKey: z.string().min(1).optional(),
    token: z.string().min(1).optional(),
  })
  .refine((secret) => (secret.apiKey === undefined) !== (secret.token === undefined), {
    error: 'give exactly one of apiKey (X-Domino-Api-Key) or token (Bearer)',
  });
export type DominoSecret = z.infer<typeof dominoSecretSchema>;

/** The request headers that carry the credential. */
export function dominoAuthHeaders(secret: DominoSecret): Record<string, string> {
  return secret.apiKey !== undefined ? { 'x-domino-api-key': secret.apiKey } : { authorization: `Bearer ${secret.token}` };
}
