/** The builder's static page body (constant markup; the webview fills it in). No inline styles: CSP. */
export const builderBody = /* html */ `
<main class="page builder">
  <div id="problem" class="banner row hidden" role="alert"><span id="problemText" class="grow"></span><vscode-button id="openSettings" secondary>Open Freezer Settings</vscode-button></div>
  <div id="toolbar" class="toolbar" role="toolbar" aria-label="Archive">
    <vscode-button id="addFiles" secondary>Add Files…</vscode-button>
    <vscode-button id="addFolders" secondary>Add Folders…</vscode-button>
    <span class="sep"></span>
    <vscode-checkbox id="fAlreadyFrozen" title="Unselect files whose name, size and SHA-256 are already in an archive">Already frozen</vscode-checkbox>
    <vscode-checkbox id="fBackup" checked title="Unselect backup and generated files (patterns from the settings)">Backup / generated</vscode-checkbox>
    <vscode-checkbox id="fExclusion" checked title="Unselect files matching the exclusion paths of the settings">Exclusion paths</vscode-checkbox>
    <vscode-checkbox id="fManual" checked title="Unselect files you excluded by hand">Manual exclusions</vscode-checkbox>
    <span class="sep"></span>
    <vscode-button id="removeUnselected" secondary>Remove Unselected</vscode-button>
    <span class="grow"></span>
    <vscode-button id="apply">Freeze</vscode-button>
  </div>

  <section class="fields">
    <vscode-label for="name">Name</vscode-label>
    <vscode-textfield id="name" placeholder="e.g. photos-2024" maxlength="1024"></vscode-textfield>
    <vscode-label for="vault">Vault</vscode-label>
    <vscode-single-select id="vault"></vscode-single-select>
    <vscode-label for="compression">Compression</vscode-label>
    <vscode-single-select id="compression"></vscode-single-select>
    <vscode-label for="key">Encryption</vscode-label>
    <vscode-single-select id="key"></vscode-single-select>
    <vscode-label>Output</vscode-label>
    <div class="row"><span id="output" class="path"></span><vscode-button id="chooseOutput" secondary>Change…</vscode-button></div>
    <vscode-label>Description</vscode-label>
    <div class="row description"><code id="description"></code><span id="descriptionLength" class="muted"></span></div>
  </section>
  <div id="descriptionWarning" class="warning hidden"></div>

  <section id="regexSection" class="regex row">
    <vscode-textfield id="regex" placeholder="Regular expression on the full path, e.g. /node_modules/|\\.tmp$"></vscode-textfield>
    <vscode-button id="applyRegex" secondary>Apply Filter</vscode-button>
    <vscode-button id="clearRegex" secondary>Clear Filter</vscode-button>
  </section>
  <div id="message" class="message hidden" role="status" aria-live="polite"></div>

  <div id="summary" class="summary" aria-live="polite"></div>
  <div class="list-header" aria-hidden="true"><span class="c-check"></span><span class="c-path">File</span><span class="c-size">Size</span><span class="c-why">Filtered by</span><span class="c-frozen">Already in archive</span></div>
  <div id="list" class="vlist" role="listbox" aria-multiselectable="true" aria-label="Files of the archive" tabindex="0">
    <div id="spacer" class="vlist-spacer"></div>
    <div id="empty" class="vlist-empty">Add files or folders to start.</div>
  </div>
  <p id="caveat" class="caveat">Files are the same when name, size and SHA-256 match. Copies left out because they are already
  frozen elsewhere are <strong>missing when a folder is restored from this archive alone</strong>; when such copies sit
  here and there in a folder, keep them selected so this archive restores the folder whole.</p>
  <p id="hint" class="hint muted">Click a file's check box, or double-click the file, to select or unselect it. Click a file to
  highlight it (Ctrl+click or Shift+click for several, arrow keys to move) and press Space to select or unselect every highlighted
  file. Unselecting by hand remembers the file as a manual exclusion.</p>
</main>`;
