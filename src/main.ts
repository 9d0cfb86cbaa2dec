import { registerPwa } from './pwa/register.ts';
import './ui/passage-shell.ts';

const pwa = registerPwa();
const shell = document.querySelector('passage-shell');
if (shell) shell.pwa = pwa;
