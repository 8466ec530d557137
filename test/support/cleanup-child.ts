// Started by test/testing-cleanup.test.ts: starts a local etcd, then ends
// without stop() in the way argv[2] says.
import { startEtcd } from '../../src/testing/index.js';

const how = process.argv[2];
if (how === 'own-handler') process.on('SIGTERM', () => process.exit(3));
const etcd = await startEtcd({ isolated: true });
process.stdout.write(`ready ${etcd.endpoints[0]}\n`);
if (how === 'throw')
  setImmediate(() => {
    throw new Error('uncaught');
  });
else if (how === 'exit') process.exit(1);
else setInterval(() => {}, 1000); // waits for the parent's signal
