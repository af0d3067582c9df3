import { z } from 'zod';
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

// The contract's schemas are bundled with the UI; keep zod from probing `new Function`, which a strict
// CSP (no 'unsafe-eval') reports as a violation even though zod catches it.
z.config({ jitless: true });

mount(App, { target: document.getElementById('app') as HTMLElement });
