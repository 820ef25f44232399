/** The settings panel's webview: AWS connection, encryption keys, exclusion paths. */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { connect } from '../../shared/app/rpc';
import { byId, byIds, setOptions, showMessage, type MessageKind } from '../../shared/app/dom';
import {
  SECTIONS, type CredentialsStatus, type KeyView, type NewCredentials, type Section, type SettingsEvents, type SettingsRequests, type SettingsState, type SettingsValues,
} from '../protocol';

type Field = HTMLElement & { value: string; invalid?: boolean; disabled?: boolean };
type Button = HTMLElement & { disabled: boolean };
type Radio = HTMLElement & { checked: boolean; value: string };

const rpc = connect<SettingsRequests, SettingsEvents>();
const ui = {
  tabs: byId<HTMLElement & { selectedIndex: number }>('tabs'),
  ...byIds()('credentialStatus', 'awsErrors', 'awsMessage', 'testResult', 'keyRows', 'keysProblem', 'keyMessage', 'exclusionErrors', 'exclusionMessage'),
  ...byIds<Button>()('clearCredentials', 'saveAws', 'testConnection', 'noDefaultKey', 'createKey', 'importKey', 'importKeyFile', 'saveExclusions'),
  ...byIds<Field>()('endpointUrl', 'region', 'accountId', 'profile', 'accessKeyId', 'secretAccessKey', 'snsTopicArn', 'notificationQueueUrl', 'pollTimeSeconds', 'threads', 'chunkSizeMiB', 'algorithm', 'newKeyLabel', 'exportForm', 'importJson', 'importLabel', 'exclusionPaths'),
};

let saved: SettingsValues | undefined;
let section: Section = 'aws';

function radios(name: string): Radio[] {
  return Array.from(document.querySelectorAll(`vscode-radio[name="${name}"]`)) as Radio[];
}
function radioValue(name: string): string {
  return radios(name).find((r) => r.checked)?.value ?? '';
}
function setRadio(name: string, value: string): void {
  for (const r of radios(name)) r.checked = r.value === value;
}

function say(el: HTMLElement, text: string, kind: MessageKind = 'info'): void {
  showMessage(el, text, kind);
}

// ---- form <-> values ----
function readForm(): SettingsValues {
  return {
    endpoint: (radioValue('endpoint') || 'local') as SettingsValues['endpoint'],
    endpointUrl: ui.endpointUrl.value.trim(),
    region: ui.region.value.trim(),
    accountId: ui.accountId.value.trim(),
    credentialSource: (radioValue('credentialSource') || 'profile') as SettingsValues['credentialSource'],
    profile: ui.profile.value.trim(),
    snsTopicArn: ui.snsTopicArn.value.trim(),
    notificationQueueUrl: ui.notificationQueueUrl.value.trim(),
    pollTimeSeconds: Number(ui.pollTimeSeconds.value),
    threads: Number(ui.threads.value),
    chunkSizeMiB: Number(ui.chunkSizeMiB.value || 0),
    exclusionPaths: ui.exclusionPaths.value.split('\n').map((l) => l.trim()).filter(Boolean),
  };
}

function fillForm(v: SettingsValues): void {
  setRadio('endpoint', v.endpoint);
  ui.endpointUrl.value = v.endpointUrl;
  ui.region.value = v.region;
  ui.accountId.value = v.accountId;
  setRadio('credentialSource', v.credentialSource);
  ui.profile.value = v.profile;
  ui.snsTopicArn.value = v.snsTopicArn;
  ui.notificationQueueUrl.value = v.notificationQueueUrl;
  ui.pollTimeSeconds.value = String(v.pollTimeSeconds);
  ui.threads.value = String(v.threads);
  ui.chunkSizeMiB.value = String(v.chunkSizeMiB);
  ui.exclusionPaths.value = v.exclusionPaths.join('\n');
  refreshForm();
}

/** Newly typed access keys, if any (never saved in the webview state). */
function newCredentials(): NewCredentials | undefined {
  const accessKeyId = ui.accessKeyId.value.trim();
  const secretAccessKey = ui.secretAccessKey.value.trim();
  return accessKeyId || secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
}

const CHECKS: Array<[keyof typeof ui, RegExp, string]> = [
  ['endpointUrl', /^(?:$|https?:\/\/\S+$)/i, 'The endpoint URL must start with http:// or https://.'],
  ['region', /^(?:$|[a-z]{2}(?:-[a-z0-9]+)+-\d+$)/, 'The region looks like eu-west-1.'],
  ['accountId', /^(?:$|-|\d{12})$/, 'The account id is 12 digits, or "-" for the account of the credentials.'],
  ['profile', /^[A-Za-z0-9_.@+=,-]*$/, 'A profile name has letters, digits and _.@+=,- only.'],
  ['snsTopicArn', /^(?:$|arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$)/, 'The SNS topic ARN looks like arn:aws:sns:us-east-1:123456789012:name.'],
  ['notificationQueueUrl', /^(?:$|https?:\/\/\S+$)/i, 'The SQS queue URL starts with https://.'],
  ['accessKeyId', /^(?:$|[A-Z0-9]{16,128})$/, 'An access key id is 16 or more capital letters and digits.'],
  ['secretAccessKey', /^(?:$|[\x21-\x7e]{16,256})$/, 'A secret access key is 16 or more printable characters, no spaces.'],
];

function awsProblems(): string[] {
  const problems: string[] = [];
  for (const [id, re, text] of CHECKS) {
    const f = ui[id] as Field;
    const bad = !re.test(f.value.trim());
    f.invalid = bad;
    if (bad) problems.push(text);
  }
  const v = readForm();
  const inRange = (n: number, lo: number, hi: number) => Number.isInteger(n) && n >= lo && n <= hi;
  ui.pollTimeSeconds.invalid = !inRange(v.pollTimeSeconds, 1, 20);
  if (ui.pollTimeSeconds.invalid) problems.push('The poll time is 1 to 20 seconds.');
  ui.threads.invalid = !inRange(v.threads, 1, 32);
  if (ui.threads.invalid) problems.push('Threads are 1 to 32.');
  if (v.endpoint === 'url' && !v.endpointUrl) problems.push('Enter the endpoint URL.');
  const c = newCredentials();
  if (c && (!c.accessKeyId || !c.secretAccessKey)) problems.push('Enter both the access key id and the secret access key.');
  return problems;
}

function exclusionProblems(): string[] {
  const out: string[] = [];
  ui.exclusionPaths.value.split('\n').forEach((line, i) => {
    const src = line.trim();
    if (!src) return;
    try {
      new RegExp(src, 'u');
    } catch (e) {
      try {
        new RegExp(src);
      } catch {
        out.push(`Line ${i + 1}: ${(e as Error).message}`);
      }
    }
  });
  return out;
}

function refreshForm(): void {
  const v = readForm();
  ui.endpointUrl.disabled = v.endpoint !== 'url';
  ui.profile.disabled = v.credentialSource !== 'profile';
  for (const f of [ui.accessKeyId, ui.secretAccessKey]) f.disabled = v.credentialSource !== 'keys';
  const problems = awsProblems();
  ui.awsErrors.replaceChildren(...problems.map((p) => Object.assign(document.createElement('div'), { textContent: p })));
  ui.saveAws.disabled = problems.length > 0;
  const ex = exclusionProblems();
  ui.exclusionPaths.invalid = ex.length > 0;
  ui.exclusionErrors.replaceChildren(...ex.map((p) => Object.assign(document.createElement('li'), { textContent: p })));
  ui.saveExclusions.disabled = ex.length > 0;
  saveState();
}

function showCredentials(c: CredentialsStatus): void {
  ui.credentialStatus.textContent = c.stored ? 'Keys stored in secure storage' : 'No keys stored';
  ui.clearCredentials.disabled = !c.stored;
  ui.accessKeyId.value = '';
  ui.secretAccessKey.value = '';
  ui.secretAccessKey.setAttribute('placeholder', c.stored ? 'stored (type to replace)' : '');
  ui.accessKeyId.setAttribute('placeholder', c.stored ? 'stored (type to replace)' : 'AKIA…');
}

function saveState(): void {
  const state: SettingsState = { version: 1, section, ...(saved && JSON.stringify(readForm()) !== JSON.stringify(saved) ? { draft: readForm() } : {}) };
  rpc.setState(state);
}

function showSection(s: Section): void {
  section = s;
  ui.tabs.selectedIndex = SECTIONS.indexOf(s);
}

// ---- keys ----
function cell(text: string, cls?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}
function button(text: string, onClick: () => void, secondary = true): HTMLElement {
  const b = document.createElement('vscode-button');
  b.textContent = text;
  if (secondary) b.setAttribute('secondary', '');
  b.addEventListener('click', onClick);
  return b;
}

function showKeys(keys: KeyView[], problem?: string): void {
  ui.keysProblem.textContent = problem ?? '';
  ui.keysProblem.classList.toggle('hidden', !problem);
  if (!keys.length) {
    const tr = document.createElement('tr');
    const td = cell(problem ? '' : 'No keys yet: create one below. New archives are not encrypted until a key is the default.', 'muted');
    td.colSpan = 6;
    tr.appendChild(td);
    ui.keyRows.replaceChildren(tr);
    return;
  }
  ui.keyRows.replaceChildren(...keys.map((k) => {
    const tr = document.createElement('tr');
    tr.dataset.keyId = k.id;
    const def = document.createElement('td');
    if (k.isDefault) def.textContent = '● default';
    else if (k.algorithm === 'AES-256') def.appendChild(button('Make Default', () => void keyAction(() => rpc.call('setDefaultKey', { id: k.id }), `"${k.label || k.id}" encrypts new archives.`)));
    else def.textContent = '—';
    tr.append(
      def,
      cell(k.label || '(no label)'),
      cell(k.algorithm === 'AES-256' ? `${k.algorithm} · authenticated${k.legacy ? ' (from the original tool)' : ''}` : `${k.algorithm} · legacy CBC, read-only`),
      cell(k.fingerprint, 'mono'),
      cell(k.createdAt ? k.createdAt.slice(0, 19).replace('T', ' ') : ''),
    );
    const ex = document.createElement('td');
    ex.append(
      button('Copy', () => void exportKey(k, 'clipboard')),
      button('Save…', () => void exportKey(k, 'file')),
    );
    tr.appendChild(ex);
    return tr;
  }));
}

async function keyAction<R extends { keys: KeyView[] }>(fn: () => Promise<R | null>, done: string | ((r: R) => string)): Promise<void> {
  try {
    const r = await fn();
    if (!r) return;
    showKeys(r.keys);
    say(ui.keyMessage, typeof done === 'string' ? done : done(r));
  } catch (e) {
    say(ui.keyMessage, (e as Error).message, 'error');
  }
}

async function exportKey(k: KeyView, to: 'clipboard' | 'file'): Promise<void> {
  try {
    const r = await rpc.call('exportKey', { id: k.id, form: (ui.exportForm.value || 'freezer') as 'freezer' | 'legacy', to });
    if (r.done) say(ui.keyMessage, to === 'clipboard'
      ? `Key "${k.label || k.id}" copied to the clipboard. Paste it somewhere safe, then clear the clipboard.`
      : `Key "${k.label || k.id}" saved to ${r.where}. Keep that file safe and private.`, 'warning');
  } catch (e) {
    say(ui.keyMessage, (e as Error).message, 'error');
  }
}

ui.noDefaultKey.addEventListener('click', () => void keyAction(() => rpc.call('setDefaultKey', { id: null }), 'New archives are not encrypted by default.'));
ui.createKey.addEventListener('click', () => void keyAction(async () => {
  const r = await rpc.call('createKey', { algorithm: (ui.algorithm.value || 'AES-256') as KeyView['algorithm'], label: ui.newKeyLabel.value.trim() });
  ui.newKeyLabel.value = '';
  return r;
}, 'Key created. Export it now and keep the export safe: without the key, its archives are lost.'));
ui.importKey.addEventListener('click', () => void keyAction(async () => {
  const json = ui.importJson.value.trim();
  if (!json) throw new Error('Paste a key export (JSON) first.');
  const r = await rpc.call('importKey', { json, label: ui.importLabel.value.trim() });
  ui.importJson.value = '';
  ui.importLabel.value = '';
  say(ui.keyMessage, '');
  return r;
}, importedMessage));
ui.importKeyFile.addEventListener('click', () => void keyAction(() => rpc.call('importKeyFile', { label: ui.importLabel.value.trim() }), importedMessage));

function importedMessage(r: { imported: KeyView; alreadyThere: boolean }): string {
  const name = r.imported.label || r.imported.id;
  return r.alreadyThere ? `Key "${name}" was already in the key list: nothing new imported.` : `Key "${name}" imported.`;
}

// ---- AWS and exclusions ----
async function save(messageEl: HTMLElement): Promise<void> {
  const values = readForm();
  const credentials = values.credentialSource === 'keys' ? newCredentials() : undefined;
  try {
    const r = await rpc.call('save', { values, ...(credentials ? { credentials } : {}) });
    saved = r.values;
    fillForm(r.values);
    showCredentials(r.credentials);
    say(messageEl, 'Saved.');
  } catch (e) {
    say(messageEl, (e as Error).message, 'error');
  }
}

ui.saveAws.addEventListener('click', () => void save(ui.awsMessage));
ui.saveExclusions.addEventListener('click', () => void save(ui.exclusionMessage));
ui.clearCredentials.addEventListener('click', async () => {
  try {
    showCredentials(await rpc.call('clearCredentials', {}));
    say(ui.awsMessage, 'Stored keys removed from secure storage.');
  } catch (e) {
    say(ui.awsMessage, (e as Error).message, 'error');
  }
});
ui.testConnection.addEventListener('click', async () => {
  const values = readForm();
  const credentials = values.credentialSource === 'keys' ? newCredentials() : undefined;
  ui.testConnection.disabled = true;
  ui.testResult.classList.add('hidden');
  say(ui.awsMessage, 'Testing…');
  try {
    const r = await rpc.call('testConnection', { values, ...(credentials ? { credentials } : {}) });
    say(ui.awsMessage, `Connected: ${r.vaults.length} vault${r.vaults.length === 1 ? '' : 's'}.`);
    ui.testResult.textContent = r.vaults.length ? r.vaults.join('\n') : '(no vaults yet)';
    ui.testResult.classList.remove('hidden');
  } catch (e) {
    say(ui.awsMessage, `Connection failed: ${(e as Error).message}`, 'error');
  } finally {
    ui.testConnection.disabled = false;
  }
});

for (const el of document.querySelectorAll('vscode-textfield, vscode-textarea, vscode-radio, vscode-single-select')) {
  el.addEventListener('input', refreshForm);
  el.addEventListener('change', refreshForm);
}
ui.tabs.addEventListener('vsc-tabs-select', (ev: Event) => {
  section = SECTIONS[(ev as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex] ?? 'aws';
  saveState();
});

rpc.on('section', (d) => showSection(d.section));
rpc.on('keys', (d) => showKeys(d.keys));
rpc.on('values', (d) => {
  // Settings changed elsewhere: follow them unless the form has unsaved edits.
  const dirty = saved && JSON.stringify(readForm()) !== JSON.stringify(saved);
  saved = d.values;
  if (!dirty) fillForm(d.values);
});

async function start(): Promise<void> {
  const state = rpc.getState<SettingsState>();
  const init = await rpc.call('ready', {});
  setOptions(ui.algorithm, init.algorithms.map((a) => ({ value: a.id, label: a.label })), 'AES-256');
  setOptions(ui.chunkSizeMiB, [{ value: '0', label: 'automatic' }, ...[1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096].map((n) => ({ value: String(n), label: `${n} MiB` }))], String(init.values.chunkSizeMiB));
  saved = init.values;
  fillForm(state?.draft ?? init.values);
  setTimeout(() => { ui.chunkSizeMiB.value = String((state?.draft ?? init.values).chunkSizeMiB); }, 0);
  showCredentials(init.credentials);
  showKeys(init.keys, init.keysProblem);
  showSection(state?.section && !init.section ? state.section : init.section);
  document.body.dataset.ready = 'true';
}

void start().catch((e: Error) => say(ui.awsMessage, e.message, 'error'));
