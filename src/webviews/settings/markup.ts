/** The settings panel's static page body (constant markup; the webview fills it in). No inline styles: CSP. */
export const settingsBody = /* html */ `
<main class="page settings">
  <vscode-tabs id="tabs" selected-index="0">
    <vscode-tab-header slot="header" id="tab-aws">AWS</vscode-tab-header>
    <vscode-tab-panel>
      <section class="form">
        <vscode-label>Stores live in</vscode-label>
        <vscode-radio-group id="endpoint" variant="vertical">
          <vscode-radio name="endpoint" value="aws">Amazon S3 (new AWS accounts): buckets in the Glacier storage classes; older accounts keep their Glacier vaults here too</vscode-radio>
          <vscode-radio name="endpoint" value="local">The local endpoint on this machine (no AWS account)</vscode-radio>
          <vscode-radio name="endpoint" value="url">A compatible endpoint at a URL</vscode-radio>
        </vscode-radio-group>
        <vscode-label for="endpointUrl">Endpoint URL</vscode-label>
        <vscode-textfield id="endpointUrl" placeholder="https://glacier.example.com"></vscode-textfield>
        <vscode-label for="region">Region</vscode-label>
        <vscode-textfield id="region" placeholder="us-east-1"></vscode-textfield>
        <vscode-label for="accountId">Account id</vscode-label>
        <vscode-textfield id="accountId" placeholder="- (the account of the credentials)"></vscode-textfield>

        <vscode-label>Credentials</vscode-label>
        <vscode-radio-group id="credentialSource" variant="vertical">
          <vscode-radio name="credentialSource" value="profile">A profile of the AWS shared config (empty: the default credential chain)</vscode-radio>
          <vscode-radio name="credentialSource" value="keys">An access key pair kept in VS Code's secure storage</vscode-radio>
        </vscode-radio-group>
        <span></span>
        <span class="muted">Saving with a profile removes stored keys. Keys are never shown again once stored.</span>
        <vscode-label for="profile">Profile</vscode-label>
        <vscode-textfield id="profile" placeholder="default"></vscode-textfield>
        <vscode-label for="accessKeyId">Access key id</vscode-label>
        <vscode-textfield id="accessKeyId" autocomplete="off" placeholder="AKIA…"></vscode-textfield>
        <vscode-label for="secretAccessKey">Secret access key</vscode-label>
        <div class="row">
          <vscode-textfield id="secretAccessKey" type="password" autocomplete="off"></vscode-textfield>
          <span id="credentialStatus" class="muted"></span>
          <vscode-button id="clearCredentials" secondary>Remove Stored Keys</vscode-button>
        </div>

        <vscode-label for="snsTopicArn">SNS topic ARN</vscode-label>
        <vscode-textfield id="snsTopicArn" placeholder="arn:aws:sns:us-east-1:123456789012:freezer"></vscode-textfield>
        <vscode-label for="notificationQueueUrl">SQS queue URL</vscode-label>
        <vscode-textfield id="notificationQueueUrl" placeholder="https://sqs.us-east-1.amazonaws.com/123456789012/freezer"></vscode-textfield>
        <vscode-label for="pollTimeSeconds">Poll time (s)</vscode-label>
        <vscode-textfield id="pollTimeSeconds" type="number" min="1" max="20"></vscode-textfield>
        <vscode-label for="threads">Threads</vscode-label>
        <vscode-textfield id="threads" type="number" min="1" max="32"></vscode-textfield>
        <vscode-label for="chunkSizeMiB">Chunk size</vscode-label>
        <vscode-single-select id="chunkSizeMiB"></vscode-single-select>
      </section>
      <div id="awsErrors" class="errors" role="alert"></div>
      <div class="row actions">
        <vscode-button id="saveAws">Save</vscode-button>
        <vscode-button id="testConnection" secondary>Test Connection</vscode-button>
      </div>
      <div id="awsMessage" class="message hidden" role="status" aria-live="polite"></div>
      <pre id="testResult" class="result hidden"></pre>
    </vscode-tab-panel>

    <vscode-tab-header slot="header" id="tab-encryption">Encryption</vscode-tab-header>
    <vscode-tab-panel>
      <table class="keys" aria-label="Encryption keys">
        <thead><tr><th>Default</th><th>Label</th><th>Algorithm</th><th>Fingerprint</th><th>Created</th><th>Export</th></tr></thead>
        <tbody id="keyRows"></tbody>
      </table>
      <div id="keysProblem" class="warning hidden"></div>
      <div class="row">
        <vscode-button id="noDefaultKey" secondary>Do Not Encrypt by Default</vscode-button>
      </div>

      <h3>Create a key</h3>
      <div class="row">
        <vscode-single-select id="algorithm"></vscode-single-select>
        <vscode-textfield id="newKeyLabel" placeholder="Label, e.g. home backups"></vscode-textfield>
        <vscode-button id="createKey">Create Key</vscode-button>
      </div>

      <h3>Export</h3>
      <p class="warning">An export holds the key itself. Keep it somewhere safe and private: <strong>without the key, the archives
      encrypted with it are lost</strong> — nobody, including you, can read them.</p>
      <div class="row">
        <vscode-label for="exportForm">Format</vscode-label>
        <vscode-single-select id="exportForm">
          <vscode-option value="freezer">Freezer JSON</vscode-option>
          <vscode-option value="legacy">AWS Freezer (original tool) JSON</vscode-option>
        </vscode-single-select>
        <span class="muted">Choose Copy or Save on a key's row above.</span>
      </div>

      <h3>Import</h3>
      <vscode-textarea id="importJson" rows="5" monospace placeholder='Paste a key export: {"format":"freezer-key",…} or the original tool&#39;s {"algorithm":"AES","keysize":256,…}'></vscode-textarea>
      <div class="row">
        <vscode-textfield id="importLabel" placeholder="Label (optional)"></vscode-textfield>
        <vscode-button id="importKey">Import</vscode-button>
        <vscode-button id="importKeyFile" secondary>Import from File…</vscode-button>
      </div>
      <div id="keyMessage" class="message hidden" role="status" aria-live="polite"></div>
    </vscode-tab-panel>

    <vscode-tab-header slot="header" id="tab-exclusions">Exclusion paths</vscode-tab-header>
    <vscode-tab-panel>
      <p>Regular expressions (JavaScript syntax), one per line, matched against a file's full path. Matching files are left
      out of new archives while the "Exclusion paths" filter is on.</p>
      <vscode-textarea id="exclusionPaths" rows="10" monospace placeholder="/node_modules/&#10;\\.cache/&#10;^/home/me/tmp/"></vscode-textarea>
      <ul id="exclusionErrors" class="errors" role="alert"></ul>
      <div class="row actions"><vscode-button id="saveExclusions">Save</vscode-button></div>
      <div id="exclusionMessage" class="message hidden" role="status" aria-live="polite"></div>
    </vscode-tab-panel>
  </vscode-tabs>
</main>`;
