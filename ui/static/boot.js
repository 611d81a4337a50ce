// Loads the wasm UI. A file of its own because the app's CSP allows no inline scripts.
import init from './ui.js';
init();
