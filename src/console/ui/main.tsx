import './styles.css';

import { render } from 'preact';

import { App } from './app';
import { installLinkInterception } from './router';

installLinkInterception();
render(<App />, document.getElementById('app')!);
