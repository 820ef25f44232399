import type { Command } from '../command';
import { archiveCommand, archivesCommand, freezeCommand } from './archives';
import { bucketCommand } from './buckets';
import { catalogueCommand } from './catalogue';
import { cleanupCommand } from './cleanup';
import { daemonCommand } from './daemon';
import { endpointCommand } from './endpoint';
import { importLegacyCommand } from './importLegacy';
import { jobsCommand, retrieveCommand } from './jobs';
import { keysCommand } from './keys';
import { planCommand, restoreCommand } from './restore';
import { settingsCommand } from './settings';
import { thawCommand } from './thaw';
import { inventoryCommand, vaultCommand, vaultsCommand } from './vaults';

/** Every subcommand, in the order --help lists them. */
export const COMMANDS: readonly Command[] = [
  vaultsCommand, vaultCommand, bucketCommand, archivesCommand, archiveCommand, freezeCommand, retrieveCommand, jobsCommand, planCommand, restoreCommand,
  inventoryCommand, cleanupCommand, keysCommand, thawCommand, importLegacyCommand, daemonCommand, endpointCommand, settingsCommand,
  catalogueCommand,
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name || c.aliases?.includes(name));
}
