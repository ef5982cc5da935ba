import { ConfigurationError } from '../errors/configuration-error.js';
import { isLoopbackAddress } from '../loopback/loopback-names.js';

export interface BindRuleOptions {
  service: string;
  hostname: string;
  /** The explicit opt-in a non-loopback bind needs. */
  allowNonLoopback: boolean;
  /** The API key a non-loopback bind needs too. */
  apiKey: string | null;
}

/**
 * Services bind 127.0.0.1 by default; any other address needs an explicit opt-in AND an API key, or the
 * service refuses to start (a local model server reachable from the network, keyless, is the trap).
 */
export function checkBindRule(options: BindRuleOptions): void {
  if (isLoopbackAddress(options.hostname)) return;
  if (!options.allowNonLoopback) {
    throw new ConfigurationError(
      `${options.service}: ${options.hostname} is not a loopback address; binding it needs an explicit opt-in (--allow-non-loopback) and an API key`,
    );
  }
  if (!options.apiKey) {
    throw new ConfigurationError(
      `${options.service}: binding ${options.hostname} needs an API key, so that the network cannot use it freely`,
    );
  }
}
