// Runs vault-dev in its own process so the benchmark client does not share its event loop.
import { startVaultDev } from '@secret-flows/vault-dev';

void startVaultDev({
  port: 0,
  rootToken: process.env['BENCH_ROOT_TOKEN'],
}).then((server) => {
  process.send?.({ address: server.address });
  process.on(
    'disconnect',
    () => void server.stop().then(() => process.exit(0)),
  );
});
