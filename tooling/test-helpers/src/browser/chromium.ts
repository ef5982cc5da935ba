/** The system Chromium the page tests drive with playwright-core (name it in the tests' requirements). */
export const chromiumPath = '/usr/bin/chromium';

/**
 * The options of playwright-core's `chromium.launchPersistentContext` for the page tests: headless,
 * the system Chromium, and nothing that reaches outside the machine (no QUIC, background
 * networking, component updates or sync). As a plain object: this package does not depend on
 * playwright-core. `args` adds switches, e.g. `--autoplay-policy=no-user-gesture-required`.
 */
export function chromiumOptions(args: readonly string[] = []) {
  return {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...args,
    ],
  };
}
