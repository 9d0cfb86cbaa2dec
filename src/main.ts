/**
 * Boot: register the service worker, create the app facade (its model waits until the service worker controls
 * the page), hand both to the shell, and pass it what the operating system sends (shared items, opened files).
 */
import { ModelManager, startupModel } from './app/model-manager.ts';
import { PassageApp } from './app/passage-app.ts';
import { receiveOsDocuments } from './pwa/os-documents.ts';
import { registerPwa } from './pwa/register.ts';
import './ui/passage-shell.ts';

const pwa = registerPwa();
// The model chosen in Settings (model-settings.ts), else the default; a switch in another tab restarts this one.
const models = ModelManager.shared();
const app = new PassageApp({ whenReady: pwa.whenControlled(), modelSpec: startupModel(localStorage) });
const shell = document.querySelector('passage-shell');
if (shell) {
  shell.pwa = pwa;
  shell.api = app;
  // "Share → Passage" and "Open with Passage" in the installed app: through the same import path as picked files.
  void receiveOsDocuments((delivery) => shell.receiveDocuments(delivery));
}
// Vectors of removed models go through this app's library worker; those a removal left (the model that was in
// use, say) go now, and the storage figure is read again.
models
  .attachLibrary((id) => app.deleteModelVectors(id))
  .then(() => shell?.dispatchEvent(new CustomEvent('storage-changed')))
  .catch((error: unknown) => console.error("Passage: could not delete a removed model's vectors", error));
