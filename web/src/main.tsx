// Entry point: mounts the shell into #app. Loaded as an external module script, as the server's
// Content-Security-Policy forbids inline scripts.
import { render } from 'preact';
import { App } from './app';
import { I18nProvider } from './i18n/context';
import { SessionProvider } from './session';
import './styles/app.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');
render(
  <I18nProvider>
    <SessionProvider>
      <App />
    </SessionProvider>
  </I18nProvider>,
  root,
);
