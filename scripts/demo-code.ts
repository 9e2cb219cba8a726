// Prints the current two-step verification code of the demo coordinators (local demo only), for trying the demo
// without an authenticator app: `npm run demo-code`.
/* eslint-disable no-console -- a command-line tool */
import { DEMO_TOTP_SECRET } from './seed';
import { totp } from '../server/services/twoFactor';

const code = totp(DEMO_TOTP_SECRET, 'demo').generate();
const left = 30 - (Math.floor(Date.now() / 1000) % 30);
console.log(`${code}  (valid for ${left} more seconds; each code works once)`);
