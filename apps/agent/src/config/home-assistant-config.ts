// Home Assistant's tools are off unless both its URL and a long-lived access token are given. The
// token opens every device of the house: it comes from the environment only (never a file of ours),
// and it is kept out of anything printed, logged or shown to the model.
import { ConfigurationError, optionalText, readEnvironment, readServiceURL } from '@klody/service';
import { z } from 'zod';

export const homeAssistantURLVariable = 'KLODY_HOME_ASSISTANT_URL';
export const homeAssistantTokenVariable = 'KLODY_HOME_ASSISTANT_TOKEN';

/** Where Home Assistant is and how to sign in to it. */
export interface HomeAssistantConfig {
  /** Its base URL, e.g. `http://127.0.0.1:8123`, without trailing slashes. */
  url: string;
  /**
   * The long-lived access token, sent as `Authorization: Bearer <token>`. Not enumerable, so that a
   * configuration printed or logged whole (JSON, pino, console.log) leaves it out.
   */
  readonly token: string;
}

const environmentSchema = z.object({
  KLODY_HOME_ASSISTANT_URL: optionalText,
  // The message never repeats the value: it is a secret.
  KLODY_HOME_ASSISTANT_TOKEN: optionalText.pipe(
    z
      .string()
      .regex(/^[\x21-\x7e]+$/, 'must be a long-lived access token (printable characters, no spaces)')
      .optional(),
  ),
});

/**
 * `KLODY_HOME_ASSISTANT_URL` and `KLODY_HOME_ASSISTANT_TOKEN`: null (the tools are absent) when the
 * URL is unset or `none`; a ConfigurationError naming the variable when the URL is not http(s), when
 * the token is missing, or when a token is given without a URL (a half-done setup, said rather than
 * silently ignored).
 */
export function readHomeAssistantConfig(env: NodeJS.ProcessEnv): HomeAssistantConfig | null {
  const values = readEnvironment(environmentSchema, env);
  const rawURL = values.KLODY_HOME_ASSISTANT_URL;
  const token = values.KLODY_HOME_ASSISTANT_TOKEN;
  if (rawURL === undefined) {
    if (token !== undefined) {
      throw new ConfigurationError(
        `${homeAssistantURLVariable}: unset, but ${homeAssistantTokenVariable} is set; give Home Assistant's URL (e.g. http://127.0.0.1:8123)`,
      );
    }
    return null;
  }
  const url = readServiceURL(homeAssistantURLVariable, rawURL, null);
  if (url === null) return null;
  if (token === undefined) {
    throw new ConfigurationError(
      `${homeAssistantTokenVariable}: unset, but ${homeAssistantURLVariable} is set; create a long-lived access token in Home Assistant (your profile, Security tab) and put it in ${homeAssistantTokenVariable}`,
    );
  }
  const config = { url } as HomeAssistantConfig;
  Object.defineProperty(config, 'token', { value: token, enumerable: false });
  return config;
}
