import { render } from 'preact';
import { App } from './App';
import { initLanguage } from './i18n';
import { installLinkHandler } from './router';
import './styles.css';

initLanguage();
installLinkHandler();
render(<App />, document.getElementById('app')!);
