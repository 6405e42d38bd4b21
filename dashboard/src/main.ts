import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

mount(App, { target: document.getElementById('app')! });

// the service worker makes the app installable and readable offline; a dev server skips it
// (MODE, not PROD: a build started under vitest has NODE_ENV=test, which turns PROD off)
if ('serviceWorker' in navigator && import.meta.env.MODE === 'production') {
  navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}
