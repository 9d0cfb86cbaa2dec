/**
 * Boot: register the service worker, create the app facade (its model waits until the service worker controls
 * the page), hand both to the shell.
 */
import { PassageApp } from './app/passage-app.ts';
import { registerPwa } from './pwa/register.ts';
import './ui/passage-shell.ts';

const pwa = registerPwa();
const app = new PassageApp({ whenReady: pwa.whenControlled() });
const shell = document.querySelector('passage-shell');
if (shell) {
  shell.pwa = pwa;
  shell.api = app;
}
