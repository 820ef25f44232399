import { CreateVaultCommand } from '@aws-sdk/client-glacier';
import { createClients } from '../../../src/core/glacier/clients';
import { MIB } from '../../../src/core/hash/treeHash';
import { VaultStore } from '../../../src/core/storage/vaultStore';
import { startTestEndpoint, TEST_CREDENTIALS } from '../../support/localEndpoint';
import { storeContract } from './contract';

storeContract({
  name: 'vault on the local endpoint',
  smallSize: 300 * 1024,
  largeSize: 3 * MIB + 4321,
  missingCodes: ['VaultNotFound'],
  async open() {
    const ep = await startTestEndpoint();
    await ep.glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: 'contract' }));
    const clients = createClients({ region: ep.endpoint.region, endpoint: ep.url, credentials: TEST_CREDENTIALS });
    const make = (vault: string) => new VaultStore({ clients, region: ep.endpoint.region, vault, partSize: MIB, concurrency: 3 });
    return {
      store: make('contract'),
      missing: make('no-such-vault'),
      async close() { clients.destroy(); await ep.close(); },
    };
  },
});
