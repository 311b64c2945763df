// Headless Chromium for the samples: scripts/chromium.mjs finds (or installs) it and names its flags.
import {launchChromium as launch} from '../../scripts/chromium.mjs';

/** Launches Chromium; resolves to {context, close}. */
export async function launchChromium({say = console.log} = {}) {
  const browser = await launch({say});
  const context = await browser.newContext({viewport: {width: 1400, height: 1100}});
  return {context, close: () => browser.close().catch(() => {})};
}
